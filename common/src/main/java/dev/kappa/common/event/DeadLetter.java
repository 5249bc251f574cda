package dev.kappa.common.event;

/** A record that could not become an event: the untouched original plus why. */
public record DeadLetter(RawRecord source, RejectReason reason, String detail) {
}
