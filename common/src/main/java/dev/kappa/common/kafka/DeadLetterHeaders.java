package dev.kappa.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Header names on {@code events.dlq}; the record's key and value are the original bytes, untouched. */
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
    /**
     * Where the original value is kept whole when it was too large for the DLQ topic; the dead letter
     * then has no value.
     */
    public static final String CLAIM_CHECK = "kappa.dlq.claim-check";
    /** The same for a key too large for the DLQ topic. */
    public static final String KEY_CLAIM_CHECK = "kappa.dlq.key-claim-check";
    /** Details echo input; they stay short so that a huge bad value cannot make its letter too large. */
    public static final int MAX_DETAIL_CHARS = 512;

    private DeadLetterHeaders() {
    }

    /** A header's value as text, or null when the record does not have it. */
    public static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
