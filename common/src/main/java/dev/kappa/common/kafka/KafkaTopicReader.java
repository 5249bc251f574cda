package dev.kappa.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a whole topic as a read_committed consumer sees it now: up to the last stable offset of
 * every partition, then stops. Offsets alone cannot count records on a transactional topic
 * (commit markers take offsets too), so summaries and checks read the records.
 */
public final class KafkaTopicReader {

    private KafkaTopicReader() {
    }

    public static void readAll(KafkaSettings kafka, String topic, Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = atStart(kafka, topic)) {
            read(consumer, topic, consumer.endOffsets(consumer.assignment()), timeout, sink);
        }
    }

    /** A read_committed consumer of every partition of {@code topic}, at its beginning; the caller closes it. */
    public static KafkaConsumer<byte[], byte[]> atStart(KafkaSettings kafka, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return consumer;
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The records of {@code range}, and nothing outside it. */
    public static void read(KafkaSettings kafka, LogRange range, Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            Map<TopicPartition, Long> start = range.topicPartitions(range.start());
            Map<TopicPartition, Long> end = range.topicPartitions(range.end());
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            read(consumer, range.topic(), end, timeout, record -> {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    sink.accept(record);
                }
            });
        }
    }

    /**
     * The event time of the first record at or after each partition's offset in {@code positions} and
     * before {@code end}; partitions with no such record are left out.
     */
    public static Map<Integer, Long> eventTimesAt(KafkaConsumer<byte[], byte[]> consumer, String topic,
            Map<Integer, Long> positions, Map<Integer, Long> end, Duration timeout) {
        Map<Integer, Long> timestamps = new HashMap<>();
        Map<TopicPartition, Long> wanted = new HashMap<>();
        positions.forEach((partition, offset) -> {
            if (offset < end.getOrDefault(partition, 0L)) {
                wanted.put(new TopicPartition(topic, partition), offset);
            }
        });
        consumer.assign(wanted.keySet());
        wanted.forEach(consumer::seek);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!wanted.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (wanted.remove(new TopicPartition(topic, record.partition())) != null) {
                    timestamps.put(record.partition(), EventTimeHeader.eventTime(record));
                    consumer.pause(List.of(new TopicPartition(topic, record.partition())));
                }
            }
            wanted.keySet().removeIf(tp -> consumer.position(tp) >= end.get(tp.partition()));
        }
        consumer.resume(consumer.paused());
        return timestamps;
    }

    /**
     * The newest event time among each partition's last {@code lookBack} offsets before {@code end}
     * (and not before {@code from}): the last offsets of a transactional topic are often commit markers,
     * not records. Partitions with no record there are left out.
     */
    public static Map<Integer, Long> newestEventTimes(KafkaConsumer<byte[], byte[]> consumer, String topic,
            Map<Integer, Long> from, Map<Integer, Long> end, int lookBack, Duration timeout) {
        Map<Integer, Long> timestamps = new HashMap<>();
        Map<TopicPartition, Long> until = new HashMap<>();
        end.forEach((partition, offset) -> {
            long start = Math.max(from.getOrDefault(partition, 0L), offset - lookBack);
            if (start < offset) {
                until.put(new TopicPartition(topic, partition), offset);
            }
        });
        consumer.assign(until.keySet());
        until.forEach((tp, offset) -> consumer.seek(tp, Math.max(from.getOrDefault(tp.partition(), 0L),
                offset - lookBack)));
        read(consumer, topic, until, timeout,
                record -> timestamps.merge(record.partition(), EventTimeHeader.eventTime(record), Math::max));
        return timestamps;
    }

    /** A read_committed consumer with nothing assigned; the caller closes it. */
    public static KafkaConsumer<byte[], byte[]> consumer(KafkaSettings kafka) {
        Properties props = kafka.toProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void read(KafkaConsumer<byte[], byte[]> consumer, String topic, Map<TopicPartition, Long> end,
            Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(consumer, end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + topic + " up to " + end + " within " + timeout);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(sink);
        }
    }

    /** Whether {@code consumer} has read every partition of {@code end} up to its offset there. */
    public static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
