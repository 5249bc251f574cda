package dev.kappa.jobs.dedup;

import java.util.List;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.LogWatermarks;
import dev.kappa.common.kafka.DeadLetterSerializer;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LoggedEventDeserializer;
import dev.kappa.common.kafka.LoggedEventSerializer;

/**
 * Deduplication: the canonical log ({@code topics.valid}, at-least-once) → {@code topics.unique}
 * with each event_id once, written exactly-once. {@link #define} is the workflow; the rest plugs in
 * Kafka from config. Event time comes from the log record's timestamp, which ingest sets to the
 * event time, so the JSON is never parsed here.
 */
public final class DedupJob {

    public static final String DEFAULT_NAME = "kappa-dedup";

    public static final String SOURCE_UID = "dedup-kafka-source";
    public static final String DEDUP_UID = "dedup-by-event-id";
    public static final String UNIQUE_SINK_UID = "dedup-unique-sink";
    public static final String DLQ_SINK_UID = "dedup-dlq-sink";

    private DedupJob() {
    }

    /**
     * The workflow. {@code log} must carry event-time timestamps and watermarks, as
     * {@link LogWatermarks} makes them: retention is measured against the watermark.
     */
    public static void define(DataStream<LoggedEvent> log, DedupSettings settings, Sink<LoggedEvent> uniqueSink,
            Sink<DeadLetter> deadLetterSink) {
        SingleOutputStreamOperator<LoggedEvent> unique = deduplicate(log, settings, deadLetterSink);
        unique.sinkTo(uniqueSink).uid(UNIQUE_SINK_UID).name("unique events");
    }

    /**
     * The deduplication itself, for workflows that go on from it (a replay feeds it straight into the
     * table): the first occurrence of each id, unchanged and with its log position; dead letters go to
     * {@code deadLetterSink}.
     */
    public static SingleOutputStreamOperator<LoggedEvent> deduplicate(DataStream<LoggedEvent> log,
            DedupSettings settings, Sink<DeadLetter> deadLetterSink) {
        SingleOutputStreamOperator<LoggedEvent> unique = log
                .keyBy(new EventIdKey(), EventIdKey.TYPE)
                .transform("drop repeated event ids", log.getType(), new EventIdDeduplicator(settings))
                .uid(DEDUP_UID);
        unique.getSideOutput(EventIdDeduplicator.DEAD_LETTERS)
                .sinkTo(deadLetterSink).uid(DLQ_SINK_UID).name("dead letters");
        return unique;
    }

    /** Checks the configuration against the broker, then runs the job and waits for it to end. */
    public static JobExecutionResult run(KappaConfig config, boolean bounded) throws Exception {
        String jobName = jobName(config);
        // bad settings fail here, before the broker is asked anything
        DedupSettings.from(config);
        LogWatermarks.from(config);
        String valid = config.get(CommonOptions.TOPIC_VALID);
        String unique = config.get(CommonOptions.TOPIC_UNIQUE);
        if (valid.equals(unique)) {
            throw new ConfigException(CommonOptions.TOPIC_UNIQUE.key() + " must differ from "
                    + CommonOptions.TOPIC_VALID.key() + " (both are '" + valid
                    + "'): the job would read its own output");
        }
        try (KafkaAdmin admin = new KafkaAdmin(KafkaSettings.from(config))) {
            List<String> writes = List.of(unique, config.get(CommonOptions.TOPIC_DLQ));
            admin.requireTopics(List.of(valid, writes.get(0), writes.get(1)));
            admin.verifyAccess(jobName, List.of(valid), writes);
            admin.checkRetention(valid);
            admin.verifyTransactions(jobName, writes, FlinkEnvironments.longestTransaction(config));
        }
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        defineToKafka(kafkaSource(env, config, jobName, bounded), config, jobName);
        return env.execute(jobName);
    }

    /** topics.valid as configured, with event-time watermarks; the consumer group is the job name. */
    public static DataStream<LoggedEvent> kafkaSource(StreamExecutionEnvironment env, KappaConfig config,
            String jobName, boolean bounded) {
        String valid = config.get(CommonOptions.TOPIC_VALID);
        return LogWatermarks.from(config).read(env,
                KafkaConnectors.source(KafkaSettings.from(config), valid, jobName, config.get(DedupOptions.START),
                        bounded, new LoggedEventDeserializer()),
                valid, SOURCE_UID);
    }

    /** The workflow with exactly-once Kafka sinks: the promise of this stage is that nothing after it repeats. */
    public static void defineToKafka(DataStream<LoggedEvent> log, KappaConfig config, String jobName) {
        define(log, DedupSettings.from(config), uniqueSink(config, jobName), deadLetterSink(config, jobName));
    }

    /** topics.unique, exactly-once: each record as the log held it. */
    public static Sink<LoggedEvent> uniqueSink(KappaConfig config, String jobName) {
        return KafkaConnectors.sink(KafkaSettings.from(config),
                new LoggedEventSerializer(config.get(CommonOptions.TOPIC_UNIQUE)), DeliveryGuarantee.EXACTLY_ONCE,
                jobName);
    }

    /** topics.dlq, exactly-once, each letter naming {@code jobName} as the job that parked it. */
    public static Sink<DeadLetter> deadLetterSink(KappaConfig config, String jobName) {
        return KafkaConnectors.sink(KafkaSettings.from(config),
                new DeadLetterSerializer(config.get(CommonOptions.TOPIC_DLQ), jobName),
                DeliveryGuarantee.EXACTLY_ONCE, jobName);
    }

    public static String jobName(KappaConfig config) {
        return FlinkEnvironments.jobName(config, DEFAULT_NAME);
    }
}
