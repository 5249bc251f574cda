package dev.kappa.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;

/**
 * Reads a topic as a downstream reader would (read_committed, so a record counts once it is
 * committed), counting records and, for event ids whose send time was registered, how long after
 * the send each became visible. Offsets alone cannot count a transactional topic's records.
 */
final class TopicWatcher implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    private final List<Long> latencyNanos = new ArrayList<>();
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private long records;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    TopicWatcher(KafkaSettings kafka, String topic) {
        consumer = KafkaTopicReader.atStart(kafka, topic);
        thread = new Thread(this::poll, "watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Measure the latency of {@code eventId}'s first appearance from now (its first send). */
    void sent(String eventId) {
        sentNanos.putIfAbsent(eventId, System.nanoTime());
    }

    synchronized long records() {
        return records;
    }

    /** Per partition, the offset after the last record seen: what a consumer that read them all commits. */
    synchronized Map<Integer, Long> nextOffsets() {
        return Map.copyOf(nextOffsets);
    }

    synchronized List<Long> latencyNanos() {
        return List.copyOf(latencyNanos);
    }

    RuntimeException failure() {
        return failure;
    }

    private void poll() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.nanoTime();
                    Long sent = record.key() == null ? null
                            : sentNanos.remove(new String(record.key(), StandardCharsets.UTF_8));
                    synchronized (this) {
                        records++;
                        nextOffsets.put(record.partition(), record.offset() + 1);
                        if (sent != null) {
                            latencyNanos.add(now - sent);
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join();
    }
}
