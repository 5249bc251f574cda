package dev.kappa.common.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.kappa.common.event.CanonicalEvent;

/**
 * Key = event_id, so every copy of an event lands in the same partition; the event time in
 * {@link EventTimeHeader}, so later stages get both without parsing the JSON.
 */
public final class CanonicalEventSerializer extends SingleTopicSerializer<CanonicalEvent> {

    public CanonicalEventSerializer(String topic) {
        super(topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(CanonicalEvent event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, null, event.eventId().getBytes(StandardCharsets.UTF_8),
                event.json(), EventTimeHeader.of(event.eventTimeMillis()));
    }
}
