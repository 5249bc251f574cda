package dev.kappa.jobs.ingest;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.kafka.CanonicalEventSerializer;
import dev.kappa.common.kafka.DeadLetterSerializer;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.RawRecordDeserializer;

/**
 * Ingestion: raw records (Kafka or bulk files) → normalized events on the canonical log and dead
 * letters with their provenance. {@link #define} is the whole workflow; the rest plugs in Kafka and
 * files from config, so tests and the replay path can plug in other sources and sinks.
 */
public final class IngestJob {

    public static final String DEFAULT_NAME = "kappa-ingest";
    public static final String DEFAULT_FILES_NAME = "kappa-ingest-files";

    public static final String KAFKA_SOURCE_UID = "ingest-kafka-source";
    public static final String FILE_SOURCE_UID = "ingest-file-source";
    public static final String NORMALIZE_UID = "ingest-normalize";
    public static final String VALID_SINK_UID = "ingest-valid-sink";
    public static final String DLQ_SINK_UID = "ingest-dlq-sink";

    private IngestJob() {
    }

    /** The workflow: every raw record becomes exactly one canonical event or one dead letter. */
    public static void define(DataStream<RawRecord> raw, IngestSettings settings, Sink<CanonicalEvent> validSink,
            Sink<DeadLetter> deadLetterSink) {
        SingleOutputStreamOperator<CanonicalEvent> valid = raw
                .process(new EventNormalizer(settings))
                .uid(NORMALIZE_UID).name("normalize and validate");
        valid.sinkTo(validSink).uid(VALID_SINK_UID).name("valid events");
        valid.getSideOutput(EventNormalizer.DEAD_LETTERS)
                .sinkTo(deadLetterSink).uid(DLQ_SINK_UID).name("dead letters");
    }

    /** What to read: the raw topic (optionally only up to its current end) or bulk files. */
    public record Input(List<String> files, boolean bounded) {
        public static Input kafka(boolean bounded) {
            return new Input(List.of(), bounded);
        }

        public static Input files(List<String> files) {
            return new Input(files, true);
        }

        boolean fromFiles() {
            return !files.isEmpty();
        }
    }

    /** Checks the configuration against the broker, then runs the job and waits for it to end. */
    public static JobExecutionResult run(KappaConfig config, Input input) throws Exception {
        String jobName = jobName(config, input);
        KafkaSettings kafka = KafkaSettings.from(config);
        List<Path> files = input.fromFiles() ? FilePaths.expand(input.files()) : List.of();
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            List<String> topics = new ArrayList<>(List.of(config.get(CommonOptions.TOPIC_VALID),
                    config.get(CommonOptions.TOPIC_DLQ)));
            if (!input.fromFiles()) {
                topics.add(config.get(CommonOptions.TOPIC_RAW));
            }
            admin.requireTopics(topics);
            List<String> writes = topics.subList(0, 2);
            admin.verifyAccess(jobName, input.fromFiles() ? List.of() : List.of(config.get(CommonOptions.TOPIC_RAW)),
                    writes);
            if (config.get(IngestOptions.DELIVERY) == DeliveryGuarantee.EXACTLY_ONCE) {
                admin.verifyTransactions(jobName, writes, FlinkEnvironments.longestTransaction(config));
            }
        }

        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        DataStream<RawRecord> raw;
        if (input.fromFiles()) {
            raw = env.fromSource(
                    FileSource.forBulkFileFormat(new NdjsonFileFormat(IngestSettings.from(config)),
                            files.toArray(Path[]::new)).build(),
                    WatermarkStrategy.noWatermarks(), "bulk files").uid(FILE_SOURCE_UID);
        } else {
            raw = kafkaSource(env, config, jobName, input.bounded());
        }
        defineToKafka(raw, config, jobName);
        return env.execute(jobName);
    }

    /** topics.raw as configured; the consumer group is the job name. */
    public static DataStream<RawRecord> kafkaSource(StreamExecutionEnvironment env, KappaConfig config,
            String jobName, boolean bounded) {
        String rawTopic = config.get(CommonOptions.TOPIC_RAW);
        return env.fromSource(
                KafkaConnectors.source(KafkaSettings.from(config), rawTopic, jobName, config.get(IngestOptions.START),
                        bounded, new RawRecordDeserializer()),
                WatermarkStrategy.noWatermarks(), rawTopic).uid(KAFKA_SOURCE_UID);
    }

    /**
     * The workflow with its Kafka sinks as configured; transactional ids are prefixed with the job
     * name and the topic, so two instances never fence each other. A record too large for its topic
     * becomes a dead letter (or a claim check) instead of failing the sink.
     */
    public static void defineToKafka(DataStream<RawRecord> raw, KappaConfig config, String jobName) {
        KafkaSettings kafka = KafkaSettings.from(config);
        DeliveryGuarantee guarantee = config.get(IngestOptions.DELIVERY);
        IngestSettings settings;
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            settings = IngestSettings.withTopicLimits(config, admin);
        }
        define(raw, settings,
                KafkaConnectors.sink(kafka, new CanonicalEventSerializer(config.get(CommonOptions.TOPIC_VALID)),
                        guarantee, jobName),
                KafkaConnectors.sink(kafka, new DeadLetterSerializer(config.get(CommonOptions.TOPIC_DLQ), jobName),
                        guarantee, jobName));
    }

    static String jobName(KappaConfig config, Input input) {
        return FlinkEnvironments.jobName(config, input.fromFiles() ? DEFAULT_FILES_NAME : DEFAULT_NAME);
    }
}
