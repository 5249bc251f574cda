package dev.kappa.common.event;

/**
 * An event on the canonical log ({@code events.valid}, {@code events.unique}): the normalized JSON
 * bytes plus the two fields every later stage needs without parsing them, which also travel as the
 * Kafka record key ({@code eventId}) and a header ({@code eventTimeMillis}).
 */
public record CanonicalEvent(String eventId, long eventTimeMillis, byte[] json) {
}
