package dev.kappa.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Settings every job shares: where Kafka is, the topic names, and how Flink checkpoints. */
public final class CommonOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOption.key("kafka.bootstrap-servers")
            .stringType().defaultValue("127.0.0.1:9092")
            .withDescription("Kafka brokers to connect to (host:port, comma-separated).");

    public static final ConfigOption<Map<String, String>> KAFKA_PROPERTIES = ConfigOption.key("kafka.properties")
            .mapType().noDefault()
            .withDescription("Extra Kafka client properties for every producer, consumer and admin client, e.g. "
                    + "kafka.properties.security.protocol: SASL_SSL. Put passwords in ${env:VAR} references.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOption.key("kafka.transaction-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("transaction.timeout.ms of exactly-once sinks. Must exceed the checkpoint interval "
                    + "and not exceed the broker's transaction.max.timeout.ms (checked at start).");

    public static final ConfigOption<String> TOPIC_RAW = ConfigOption.key("topics.raw")
            .stringType().defaultValue("events.raw")
            .withDescription("Topic producers write raw JSON events to.");

    public static final ConfigOption<String> TOPIC_VALID = ConfigOption.key("topics.valid")
            .stringType().defaultValue("events.valid")
            .withDescription("The canonical log: normalized, validated events keyed by event_id.");

    public static final ConfigOption<String> TOPIC_DLQ = ConfigOption.key("topics.dlq")
            .stringType().defaultValue("events.dlq")
            .withDescription("Dead letters: original bytes with reason and source provenance in headers.");

    public static final ConfigOption<String> TOPIC_UNIQUE = ConfigOption.key("topics.unique")
            .stringType().defaultValue("events.unique")
            .withDescription("Deduplicated events, written exactly-once.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS = ConfigOption.key("topics.partitions")
            .intType().defaultValue(2)
            .withDescription("Partitions for topics created by 'kappa topics create', 'generate' and 'demo'.");

    public static final ConfigOption<Integer> TOPIC_REPLICATION = ConfigOption.key("topics.replication-factor")
            .intType().defaultValue(1)
            .withDescription("Replication factor for topics the suite creates.");

    public static final ConfigOption<String> JOB_NAME = ConfigOption.key("job.name")
            .stringType().noDefault()
            .withDescription("Flink job name; also the prefix of Kafka transactional ids and consumer groups. "
                    + "Defaults to kappa-<command> (a replay: kappa-replay-<table>-v<N>). Only on one command's line "
                    + "(--set): in a config file it would name every command alike, and they would fence each "
                    + "other; a replay appends -<table>-v<N> to it.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOption.key("job.parallelism")
            .intType().defaultValue(0)
            .withDescription("Job parallelism; 0 keeps the cluster's default.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOption.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How often Flink takes a global snapshot; exactly-once output becomes visible "
                    + "at this pace.");

    public static final ConfigOption<Duration> CHECKPOINT_TIMEOUT = ConfigOption.key("checkpoint.timeout")
            .durationType().defaultValue(Duration.ofMinutes(2))
            .withDescription("A checkpoint not done by then is abandoned. kafka.transaction-timeout must exceed "
                    + "checkpoint.interval + checkpoint.timeout, or Kafka could abort a transaction that a slow "
                    + "checkpoint still commits.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOption.key("checkpoint.dir")
            .stringType().defaultValue("file:///tmp/kappa/checkpoints")
            .withDescription("Durable URI for checkpoints (file://, s3://, hdfs://); retained on cancel.");

    public static final ConfigOption<StateBackend> STATE_BACKEND = ConfigOption.key("state.backend")
            .enumType(StateBackend.class).defaultValue(StateBackend.HASHMAP)
            .withDescription("hashmap keeps state on the heap (small local runs); rocksdb spills to disk and "
                    + "checkpoints incrementally (production).");

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOption.key("event-time.out-of-orderness")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("How far event times on the log may run behind the newest one seen in a partition "
                    + "before the watermark passes them. Dedup retention and columnar partition commits count "
                    + "from the watermark.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT = ConfigOption.key("event-time.idle-timeout")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("A log partition without records for this long stops holding the watermark back, so "
                    + "a quiet partition neither keeps every id in dedup state nor every table partition open.");

    public static final ConfigOption<Map<String, String>> FLINK = ConfigOption.key("flink")
            .mapType().noDefault()
            .withDescription("Any Flink configuration key, passed through as is, e.g. "
                    + "flink.restart-strategy.type: exponential-delay.");

    private CommonOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, TRANSACTION_TIMEOUT, TOPIC_RAW, TOPIC_VALID,
                TOPIC_DLQ, TOPIC_UNIQUE, TOPIC_PARTITIONS, TOPIC_REPLICATION, JOB_NAME, PARALLELISM,
                CHECKPOINT_INTERVAL, CHECKPOINT_TIMEOUT, CHECKPOINT_DIR, STATE_BACKEND, OUT_OF_ORDERNESS, IDLE_TIMEOUT,
                FLINK);
    }

    public enum StateBackend {
        HASHMAP,
        ROCKSDB
    }
}
