package dev.kappa.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names on {@code events.dlq}. The record's key and value are the original bytes, untouched,
 * unless sealed ({@link #ENCRYPTION}) or, when too large for the topic, kept in a claim-check file.
 */
public final class DeadLetterHeaders {
    public static final String REASON = "kappa.dlq.reason";
    public static final String DETAIL = "kappa.dlq.detail";
    /** The job (job.name) that parked the record: a replay parks again what the live job parked. */
    public static final String JOB = "kappa.dlq.job";
    public static final String SOURCE_TOPIC = "kappa.source.topic";
    public static final String SOURCE_PARTITION = "kappa.source.partition";
    public static final String SOURCE_OFFSET = "kappa.source.offset";
    public static final String SOURCE_TIMESTAMP = "kappa.source.timestamp";
    public static final String SOURCE_FILE = "kappa.source.file";
    /** A bulk-file line's id when its event has none (file hash and byte offset), kept for a re-drive. */
    public static final String SOURCE_FALLBACK_ID = "kappa.source.fallback-id";
    /**
     * Set ({@code aes-256-gcm}) when key, value and detail are sealed because ingest.pii.fields are
     * configured; {@code kappa dlq redrive} opens them with ingest.pii.key.
     */
    public static final String ENCRYPTION = "kappa.dlq.encryption";
    public static final String ENCRYPTION_AES_GCM = "aes-256-gcm";
    /** With {@link #ENCRYPTION}: the value as JSON with its PII fields hashed, when it parsed at all. */
    public static final String MASKED_VALUE = "kappa.dlq.masked-value";
    /**
     * Where the original value is kept whole when it was too large for the DLQ topic; the dead letter
     * then has no value.
     */
    public static final String CLAIM_CHECK = "kappa.dlq.claim-check";
    /** The same for a key too large for the DLQ topic. */
    public static final String KEY_CLAIM_CHECK = "kappa.dlq.key-claim-check";
    /** Details echo input; they stay short so that a huge bad value cannot make its letter too large. */
    public static final int MAX_DETAIL_CHARS = 512;
    /** The masked value shown beside a sealed letter is cut here. */
    public static final int MAX_MASKED_CHARS = 2048;

    private DeadLetterHeaders() {
    }

    /** {@code text} cut at {@link #MAX_DETAIL_CHARS}, saying how much was cut. */
    public static String cut(String text) {
        if (text.length() <= MAX_DETAIL_CHARS) {
            return text;
        }
        int end = MAX_DETAIL_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "… (" + (text.length() - end) + " more characters)";
    }

    /** A header's value as text, or null when the record does not have it (or has it without a value). */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
