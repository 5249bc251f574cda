package dev.kappa.common.event;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A parsed, validated envelope. {@code eventId} is null when the producer sent none (the ingest
 * policy then derives or rejects); {@code source} and {@code payload} are null when absent.
 */
public record Event(String eventId, String eventType, Instant eventTime, String source, ObjectNode payload) {

    public Event withEventId(String id) {
        return new Event(id, eventType, eventTime, source, payload);
    }

    public Event withSource(String newSource) {
        return new Event(eventId, eventType, eventTime, newSource, payload);
    }
}
