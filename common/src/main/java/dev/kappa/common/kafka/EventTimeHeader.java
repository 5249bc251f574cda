package dev.kappa.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Where the canonical log carries an event's time: a header (decimal epoch milliseconds, readable
 * with kcat), not the record timestamp. The record timestamp is left to the producer's clock because
 * the broker compares it with its own clock: an event time hours ahead is refused
 * ({@code message.timestamp.after.max.ms}) and an old one is deleted at once by time retention.
 */
public final class EventTimeHeader {

    public static final String NAME = "kappa.event-time";

    private EventTimeHeader() {
    }

    public static Headers of(long eventTimeMillis) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(NAME, Long.toString(eventTimeMillis).getBytes(StandardCharsets.US_ASCII));
        return headers;
    }

    /**
     * The event time of a log record; a record without the header (written before the header existed)
     * carried its event time as record timestamp.
     */
    public static long eventTime(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(NAME);
        if (header == null || header.value() == null) {
            return record.timestamp();
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return record.timestamp();
        }
    }
}
