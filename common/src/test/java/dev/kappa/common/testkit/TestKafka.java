package dev.kappa.common.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LocalKafkaBroker;

/**
 * One real Kafka broker per test JVM (started on first use, stopped when the JVM exits) and the
 * client-side helpers tests need. Every test gets fresh topics from {@link #newTopic}, so tests
 * never see each other's records even though they share the broker.
 */
public final class TestKafka {

    private static final AtomicInteger TOPIC_COUNTER = new AtomicInteger();
    private static LocalKafkaBroker broker;

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("kappa-test-kafka-");
                broker = LocalKafkaBroker.start(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LocalKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-test-kafka"));
        }
        return broker.bootstrapServers();
    }

    public static KafkaSettings settings() {
        return KafkaSettings.of(bootstrapServers());
    }

    /** Creates a topic whose name starts with {@code prefix} and is unique in this JVM. */
    public static String newTopic(String prefix, int partitions) {
        String name = prefix + "-" + TOPIC_COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
        try (KafkaAdmin admin = new KafkaAdmin(settings())) {
            admin.createTopicsIfMissing(List.of(name), partitions, 1);
        }
        return name;
    }

    /** Sends each record and waits for its acknowledgement; the metadata says where each one landed. */
    public static List<RecordMetadata> produce(List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> record : records) {
                futures.add(producer.send(record));
            }
            producer.flush();
            List<RecordMetadata> acked = new ArrayList<>(futures.size());
            for (Future<RecordMetadata> future : futures) {
                acked.add(future.get());
            }
            return acked;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("produce failed", e);
        }
    }

    /** Values only, spread over the topic's partitions round-robin by position. */
    public static List<RecordMetadata> produceValues(String topic, int partitions, List<byte[]> values) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            records.add(new ProducerRecord<>(topic, i % partitions, null, values.get(i)));
        }
        return produce(records);
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        Properties props = settings().toProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Everything committed on the topic right now, as a read_committed consumer sees it. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        KafkaTopicReader.readAll(settings(), topic, Duration.ofMinutes(2), out::add);
        return out;
    }
}
