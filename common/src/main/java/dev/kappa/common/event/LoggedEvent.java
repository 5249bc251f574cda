package dev.kappa.common.event;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A canonical event as read back from a log topic ({@code events.valid}, {@code events.unique}),
 * with its position there, so that whatever a later stage parks or writes can be traced to the
 * exact log record it came from.
 */
@TypeInfo(LoggedEventTypeInfo.Factory.class)
public record LoggedEvent(CanonicalEvent event, String topic, int partition, long offset) {

    /** The log record itself, for a dead letter: key and value exactly as they were on the topic. */
    public RawRecord asRawRecord() {
        byte[] key = event.eventId().isEmpty() ? null : event.eventId().getBytes(StandardCharsets.UTF_8);
        return RawRecord.fromKafka(topic, partition, offset, event.eventTimeMillis(), key, event.json());
    }
}
