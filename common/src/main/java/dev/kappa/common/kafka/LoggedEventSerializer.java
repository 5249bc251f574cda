package dev.kappa.common.kafka;

import org.apache.kafka.clients.producer.ProducerRecord;

import dev.kappa.common.event.LoggedEvent;

/** Writes a log record on to the next topic exactly as {@link CanonicalEventSerializer} would write its event. */
public final class LoggedEventSerializer extends SingleTopicSerializer<LoggedEvent> {

    private final CanonicalEventSerializer events;

    public LoggedEventSerializer(String topic) {
        super(topic);
        this.events = new CanonicalEventSerializer(topic);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(LoggedEvent logged, KafkaSinkContext context, Long timestamp) {
        return events.serialize(logged.event(), context, timestamp);
    }
}
