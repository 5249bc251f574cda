package dev.kappa.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;

/**
 * Reads a canonical log without parsing the JSON: the key is the event_id and the event time is
 * in a header ({@link CanonicalEventSerializer}). A record without a key becomes an event with an
 * empty id, which the consuming stage dead-letters rather than the source failing on it.
 */
public final class LoggedEventDeserializer implements KafkaRecordDeserializationSchema<LoggedEvent> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<LoggedEvent> out) {
        String eventId = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        CanonicalEvent event = new CanonicalEvent(eventId, EventTimeHeader.eventTime(record), record.value());
        out.collect(new LoggedEvent(event, record.topic(), record.partition(), record.offset()));
    }

    @Override
    public TypeInformation<LoggedEvent> getProducedType() {
        return TypeInformation.of(LoggedEvent.class);
    }
}
