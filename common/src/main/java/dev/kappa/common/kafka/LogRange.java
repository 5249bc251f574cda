package dev.kappa.common.kafka;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * A fixed stretch of a log topic: per partition, offsets from {@code start} (inclusive) to
 * {@code end} (exclusive). Captured once and recorded, so that a bounded rebuild reads exactly
 * this stretch however often it is resumed, and an audit checks against exactly what was read.
 */
public record LogRange(String topic, Map<Integer, Long> start, Map<Integer, Long> end) {

    public LogRange {
        if (!start.keySet().equals(end.keySet())) {
            throw new IllegalArgumentException("start and end name different partitions of " + topic + ": "
                    + start.keySet() + " vs " + end.keySet());
        }
        start = new TreeMap<>(start);
        end = new TreeMap<>(end);
    }

    /**
     * From {@code from} ({@code null} for the earliest retained record, else the first record written
     * to the log at or after that time) to the last stable offset now.
     */
    public static LogRange capture(KafkaAdmin admin, String topic, Instant from) {
        Map<Integer, Long> start = admin.offsets(topic,
                from == null ? OffsetSpec.earliest() : OffsetSpec.forTimestamp(from.toEpochMilli()));
        return new LogRange(topic, start, admin.offsets(topic, OffsetSpec.latest()));
    }

    /** Offsets in the range (on a transactional topic, commit markers take some of them). */
    public long size() {
        long size = 0;
        for (var entry : end.entrySet()) {
            size += Math.max(0, entry.getValue() - start.get(entry.getKey()));
        }
        return size;
    }

    /** How many offsets of the range lie below {@code positions} (a consumer group's committed offsets). */
    public long done(Map<Integer, Long> positions) {
        long done = 0;
        for (var entry : start.entrySet()) {
            Long position = positions.get(entry.getKey());
            if (position != null) {
                done += Math.max(0, Math.min(position, end.get(entry.getKey())) - entry.getValue());
            }
        }
        return done;
    }

    /** True for an offset at or after the range's end in its partition (a partition the range lacks included). */
    public boolean isPast(int partition, long offset) {
        Long until = end.get(partition);
        return until == null || offset >= until;
    }

    public boolean contains(int partition, long offset) {
        Long from = start.get(partition);
        return from != null && offset >= from && offset < end.get(partition);
    }

    public OffsetsInitializer startInitializer() {
        return OffsetsInitializer.offsets(topicPartitions(start));
    }

    public OffsetsInitializer endInitializer() {
        return OffsetsInitializer.offsets(topicPartitions(end));
    }

    Map<TopicPartition, Long> topicPartitions(Map<Integer, Long> offsets) {
        Map<TopicPartition, Long> byPartition = new HashMap<>();
        offsets.forEach((partition, offset) -> byPartition.put(new TopicPartition(topic, partition), offset));
        return byPartition;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(topic);
        start.forEach((p, from) -> text.append(' ').append(p).append(':').append(from).append('-').append(end.get(p)));
        return text.toString();
    }
}
