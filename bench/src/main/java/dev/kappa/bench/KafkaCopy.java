package dev.kappa.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;

/**
 * An exactly-once stage between two topics with Kafka's clients and nothing else: read_committed
 * consumers, transactional producers with the sinks' settings, one transaction per checkpoint
 * interval that carries the consumed offsets (Kafka's own consume-transform-produce loop). It does
 * no work per record, so it is the ceiling for any exactly-once job between two topics on the same
 * broker and cores. It runs in the benchmark's JVM, warm like the jobs, while Kafka's perf tools
 * start cold in their own: it can outrun raw produce.
 */
final class KafkaCopy {

    private KafkaCopy() {
    }

    /**
     * Copies every record committed in {@code from} now into {@code to}, key, value and headers, with
     * {@code loops} threads splitting the partitions as a job's subtasks would; returns records/s,
     * clients' start-up included as a job's net runtime includes its own.
     */
    static double copy(KafkaSettings kafka, String from, String to, int loops, Duration transactionEvery,
            String name) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaTopicReader.consumer(kafka)) {
            for (PartitionInfo info : consumer.partitionsFor(from, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(from, info.partition()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(loops);
        try {
            long started = System.nanoTime();
            List<Future<Long>> copied = new ArrayList<>();
            for (int loop = 0; loop < loops; loop++) {
                List<TopicPartition> share = new ArrayList<>();
                for (int i = loop; i < partitions.size(); i += loops) {
                    share.add(partitions.get(i));
                }
                String transactionalId = name + "-" + loop;
                copied.add(pool.submit(() -> copy(kafka, share, to, transactionEvery, transactionalId, name)));
            }
            long records = 0;
            for (Future<Long> loop : copied) {
                records += loop.get();
            }
            return records / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long copy(KafkaSettings kafka, List<TopicPartition> share, String to, Duration transactionEvery,
            String transactionalId, String group) {
        Properties producerProps = kafka.toProperties();
        producerProps.putAll(KafkaConnectors.SINK_PRODUCER);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaTopicReader.consumer(kafka);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps,
                        new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.assign(share);
            consumer.seekToBeginning(share);
            Map<TopicPartition, Long> end = consumer.endOffsets(share);
            ConsumerGroupMetadata groupMetadata = new ConsumerGroupMetadata(group);
            Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
            producer.initTransactions();
            producer.beginTransaction();
            long copied = 0;
            long commitAt = System.nanoTime() + transactionEvery.toNanos();
            while (!KafkaTopicReader.reached(consumer, end)) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                for (TopicPartition partition : polled.partitions()) {
                    long last = -1;
                    for (ConsumerRecord<byte[], byte[]> record : polled.records(partition)) {
                        if (record.offset() < end.get(partition)) {
                            producer.send(new ProducerRecord<>(to, null, record.key(), record.value(),
                                    record.headers()));
                            last = record.offset();
                            copied++;
                        }
                    }
                    if (last >= 0) {
                        consumed.put(partition, new OffsetAndMetadata(last + 1));
                    }
                }
                if (System.nanoTime() >= commitAt) {
                    producer.sendOffsetsToTransaction(consumed, groupMetadata);
                    producer.commitTransaction();
                    producer.beginTransaction();
                    commitAt = System.nanoTime() + transactionEvery.toNanos();
                }
            }
            producer.sendOffsetsToTransaction(consumed, groupMetadata);
            producer.commitTransaction();
            return copied;
        }
    }
}
