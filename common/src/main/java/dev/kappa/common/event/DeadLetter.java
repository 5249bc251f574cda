package dev.kappa.common.event;

/**
 * A record that could not become an event: the original plus why.
 *
 * @param maskedValue when the original is encrypted, its value with the PII fields hashed, for
 *     reading; null otherwise
 * @param encrypted the original key, value and the detail are sealed ({@code kappa.dlq.encryption})
 *     because they may hold configured PII fields in clear
 */
public record DeadLetter(RawRecord source, RejectReason reason, String detail, String maskedValue,
        boolean encrypted) {

    public DeadLetter(RawRecord source, RejectReason reason, String detail) {
        this(source, reason, detail, null, false);
    }
}
