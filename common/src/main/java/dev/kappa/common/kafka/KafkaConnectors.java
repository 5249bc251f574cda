package dev.kappa.common.kafka;

import java.util.Map;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The one place Kafka sources and sinks are built, so every job reads and writes Kafka the same way. */
public final class KafkaConnectors {

    /**
     * Producer settings of every sink: batches large enough to keep up with a replay, lz4 since the
     * log is JSON. The benchmark gives Kafka's own producer and the Flink SQL baseline the same.
     */
    public static final Map<String, String> SINK_PRODUCER = Map.of(ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, "131072", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    private KafkaConnectors() {
    }

    /**
     * A source that only ever sees committed data (read_committed), commits its offsets on
     * checkpoints, so consumer lag is visible to ordinary Kafka tooling, and stops its job rather than
     * skip records the log deleted before it read them ({@link LogSource}). Bounded sources stop at
     * the end offsets seen when the job starts.
     */
    public static <T> Source<T, ?, ?> source(KafkaSettings kafka, String topic, String groupId,
            StartingPosition start, boolean bounded, KafkaRecordDeserializationSchema<T> deserializer) {
        return source(kafka, topic, groupId, start.initializer(),
                bounded ? StartingPosition.LATEST.initializer() : null, deserializer);
    }

    /** Exactly the records of {@code range}: a rebuild that must read a recorded stretch of the log. */
    public static <T> Source<T, ?, ?> source(KafkaSettings kafka, LogRange range, String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(kafka, range.topic(), groupId, range.startInitializer(), range.endInitializer(), deserializer);
    }

    /** From the start of {@code range} on, without end: a rebuild that follows the log once it has caught up. */
    public static <T> Source<T, ?, ?> following(KafkaSettings kafka, LogRange range, String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(kafka, range.topic(), groupId, range.startInitializer(), null, deserializer);
    }

    private static <T> Source<T, ?, ?> source(KafkaSettings kafka, String topic, String groupId,
            OffsetsInitializer start, OffsetsInitializer stop, KafkaRecordDeserializationSchema<T> deserializer) {
        KafkaSourceBuilder<T> builder = KafkaSource.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(new NoOffsetReset(start))
                .setDeserializer(deserializer)
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setProperty("commit.offsets.on.checkpoint", "true");
        kafka.clientProperties().forEach(builder::setProperty);
        if (stop != null) {
            builder.setBounded(stop);
        }
        return new LogSource<>(builder.build(), kafka);
    }

    /**
     * A sink with the given guarantee. Exactly-once uses Kafka transactions named
     * {@code <jobName>-<topic>-…}: unique per job instance and target, so a second instance (a replay
     * beside the live job) never fences the first, while a restarted instance does fence its own
     * zombies. Pooled transaction names keep the broker's transaction state bounded on long runs,
     * where incrementing names would grow it with every checkpoint.
     */
    public static <T> KafkaSink<T> sink(KafkaSettings kafka, SingleTopicSerializer<T> serializer,
            DeliveryGuarantee guarantee, String jobName) {
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(guarantee);
        SINK_PRODUCER.forEach(builder::setProperty);
        kafka.clientProperties().forEach(builder::setProperty);
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(transactionalIdPrefix(jobName, serializer.topic()))
                    .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            Long.toString(kafka.transactionTimeout().toMillis()));
        }
        return builder.build();
    }

    /** What the transactional ids of job {@code jobName}'s exactly-once sink to {@code topic} start with. */
    public static String transactionalIdPrefix(String jobName, String topic) {
        return jobName + "-" + topic;
    }
}
