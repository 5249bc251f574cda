package dev.kappa.jobs.columnar;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.core.execution.DetachedJobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.iceberg.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.LogWatermarks;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LoggedEventDeserializer;
import dev.kappa.jobs.ops.WriterGuard;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.SuccessMarkers;
import dev.kappa.jobs.table.TableFileCompactor;
import dev.kappa.jobs.table.TableFiles;
import dev.kappa.jobs.table.TableRow;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;

/**
 * Columnar conversion: {@code topics.unique} → a Parquet table partitioned by event hour, written
 * exactly-once (a file is visible only once the checkpoint that wrote it commits), compacted toward
 * a target size, with a {@code _SUCCESS} marker in each complete partition, and committed to the
 * version's branch of the table's Iceberg metadata. {@link #define} is the
 * workflow; the rest plugs in Kafka from config.
 */
public final class ColumnarJob {

    public static final String DEFAULT_NAME = "kappa-columnar";

    public static final String SOURCE_UID = "columnar-kafka-source";
    public static final String TRACKER_UID = "columnar-partition-tracker";
    public static final String SINK_UID = "columnar-parquet-sink";
    /** The writer named in the snapshot that a finished bounded run commits from the client. */
    static final String BOUNDED_RUN_WRITER = "bounded-run";

    private static final Logger LOG = LoggerFactory.getLogger(ColumnarJob.class);

    /** Part files are named {@code part-<uuid>-<subtask>-<n>.parquet}; compacted ones start with compacted-. */
    static final OutputFileConfig FILE_NAMES = OutputFileConfig.builder().withPartPrefix("part")
            .withPartSuffix(".parquet").build();

    private ColumnarJob() {
    }

    /**
     * The workflow. {@code log} must carry event-time timestamps and watermarks, as
     * {@link LogWatermarks} makes them: partitions are closed by the watermark. {@code settings} must
     * carry the columns its version was registered with ({@link #registerVersion}): the files are
     * written with their Iceberg field ids, and committed to the version's branch.
     */
    public static void define(DataStream<LoggedEvent> log, ColumnarSettings settings) {
        if (settings.schema().columnIds().isEmpty()) {
            throw new IllegalArgumentException(settings.table() + " v" + settings.version()
                    + ": register the version in the catalog before writing it (ColumnarJob.registerVersion)");
        }
        SingleOutputStreamOperator<TableRow> rows = log
                .transform("track partitions", TypeInformation.of(TableRow.class),
                        new PartitionTracker(settings.commitDelay().toMillis()))
                .uid(TRACKER_UID);
        DataStream<PartitionClosed> closed = rows.getSideOutput(PartitionTracker.CLOSED);
        rows.sinkTo(new TableSink(fileSink(settings), settings, closed)).uid(SINK_UID).name("parquet table");
    }

    static FileSink<TableRow> fileSink(ColumnarSettings settings) {
        FileSink.DefaultBulkFormatBuilder<TableRow> builder = FileSink
                .forBulkFormat(new Path(settings.versionPath()), new TableFiles(settings.files()).writerFactory())
                .withBucketAssigner(new HourPartitions())
                .withRollingPolicy(new TargetSizeRollingPolicy(settings.targetFileSize()))
                .withOutputFileConfig(FILE_NAMES);
        if (settings.compactAfterCheckpoints() > 0) {
            builder.enableCompact(FileCompactStrategy.Builder.newBuilder()
                    .setSizeThreshold(settings.targetFileSize())
                    .enableCompactionOnCheckpoint(settings.compactAfterCheckpoints())
                    .build(), new TableFileCompactor(settings.files()));
        } else {
            // Keeps the compaction operators' (empty) state slots, so compaction can be switched on and
            // off across savepoints.
            builder.disableCompact();
        }
        return builder.build();
    }

    /**
     * Checks the configuration and the broker, records the version it writes in the catalog
     * (publishing it if the table has no published version yet: the first live version is what readers
     * read), then runs the job and waits for it to end (unless submitted detached).
     */
    public static JobExecutionResult run(KappaConfig config, boolean bounded) throws Exception {
        String jobName = jobName(config);
        ColumnarSettings settings = ColumnarSettings.from(config); // bad settings fail before the broker is asked
        LogWatermarks.from(config);
        String unique = config.get(CommonOptions.TOPIC_UNIQUE);
        try (KafkaAdmin admin = new KafkaAdmin(KafkaSettings.from(config))) {
            admin.requireTopics(List.of(unique));
            admin.verifyAccess(jobName, List.of(unique), List.of());
            admin.checkRetention(unique);
        }
        try (TableVersions versions = TableVersions.open(settings.catalog(), settings.table())) {
            settings = registerVersion(versions, settings, jobName, unique);
            StreamExecutionEnvironment env = FlinkEnvironments.create(config);
            define(kafkaSource(env, config, jobName, bounded), settings);
            JobClient client = env.executeAsync(jobName);
            versions.update(settings.version(),
                    v -> v.withWriter(client.getJobID().toString(), FlinkEnvironments.restUrl(env)));
            if (FlinkEnvironments.detached(env)) {
                return new DetachedJobExecutionResult(client.getJobID());
            }
            JobExecutionResult result = client.getJobExecutionResult().get();
            if (bounded) {
                recordBoundedRun(versions, settings.version());
            }
            return result;
        }
    }

    /**
     * After a bounded run into {@code version} has finished: commits the files of its last checkpoint
     * (they become visible as the job ends, after the streaming committer has stopped), marks every
     * partition it wrote complete (its input ended), and records the version's row count.
     */
    public static void recordBoundedRun(TableVersions versions, int version) throws IOException {
        long started = System.nanoTime();
        String versionPath = versions.versionPath(version);
        Set<String> committed = new HashSet<>();
        versions.files(version).forEach(file -> committed.add(new Path(file).getPath()));
        List<TableScan.Partition> partitions = TableScan.partitions(versionPath);
        List<VersionWriter.NewFile> missing = new ArrayList<>();
        for (TableScan.Partition partition : partitions) {
            for (Path file : partition.files()) {
                if (!committed.contains(file.getPath())) {
                    missing.add(new VersionWriter.NewFile(file.toString(), partition.name()));
                }
            }
        }
        List<String> marked = SuccessMarkers.markAfterBoundedRun(versionPath, partitions);
        if (!missing.isEmpty() || !marked.isEmpty()) {
            Map<String, String> summary = new LinkedHashMap<>();
            summary.put(VersionWriter.WRITER, BOUNDED_RUN_WRITER);
            if (!marked.isEmpty()) {
                summary.put(VersionWriter.COMPLETED_PARTITIONS, String.join(",", marked));
            }
            Snapshot snapshot = new VersionWriter(versions, version).append(missing, summary);
            LOG.info("Committed the last {} files and {} complete partitions of the bounded run to {} v{} as "
                    + "Iceberg snapshot {} in {} ms", missing.size(), marked.size(), versions.table(), version,
                    snapshot.snapshotId(), (System.nanoTime() - started) / 1_000_000);
        }
        long rows = versions.rowCount(version);
        versions.update(version, v -> v.withRows(rows));
    }

    /**
     * Records the version {@code settings} names in the catalog, if it is new, with the columns of
     * {@code settings}; the table's first version is published at once, so that a live table is read
     * from its first commit. Returns the settings with the version's registered columns and field ids.
     */
    public static ColumnarSettings registerVersion(TableVersions versions, ColumnarSettings settings, String jobName,
            String topic) {
        int version = settings.version();
        Optional<TableVersion> known = versions.get(version);
        if (known.isPresent()) {
            refuseSecondWriter(versions, known.get());
            if (!known.get().sourceTopic().equals(topic)) {
                throw new ConfigException(ColumnarOptions.VERSION.key() + ": " + versions.table() + " v" + version
                        + " was built from " + known.get().sourceTopic() + ", not " + topic
                        + "; write a new version instead");
            }
        } else {
            versions.add(TableVersion.live(version, jobName, topic), settings.schema());
            if (versions.current().isEmpty()) {
                versions.publishFirst(version);
            }
        }
        return settings.withSchema(versions.columnsOf(version, settings.schema()));
    }

    /**
     * One writer per version: a version another took the table over from has stopped for good (its rows
     * end at its savepoint), a replay that follows the log is restarted as a replay, and a version whose
     * recorded job still runs already has its writer.
     */
    private static void refuseSecondWriter(TableVersions versions, TableVersion known) {
        String what = ColumnarOptions.VERSION.key() + "=" + known.version() + ": " + versions.table() + " "
                + known.name();
        if (known.takenOverBy() != null) {
            throw new ConfigException(what + " was taken over by v" + known.takenOverBy() + " and its writer stopped"
                    + (known.savepoint() != null ? " with a savepoint at " + known.savepoint() : "")
                    + "; the table's writer is now v" + known.takenOverBy() + "'s job (kappa table list)");
        }
        if (known.follows()) {
            throw new ConfigException(what + " is written by the replay " + known.job() + ", which follows the log; "
                    + "restart it with 'kappa replay --follow --resume'");
        }
        WriterGuard.refuseIfRunning(versions.table(), known);
    }

    /** topics.unique, read_committed, with event-time watermarks; the consumer group is the job name. */
    public static DataStream<LoggedEvent> kafkaSource(StreamExecutionEnvironment env, KappaConfig config,
            String jobName, boolean bounded) {
        String unique = config.get(CommonOptions.TOPIC_UNIQUE);
        return LogWatermarks.from(config).read(env,
                KafkaConnectors.source(KafkaSettings.from(config), unique, jobName,
                        config.get(ColumnarOptions.START), bounded, new LoggedEventDeserializer()),
                unique, SOURCE_UID);
    }

    public static String jobName(KappaConfig config) {
        return FlinkEnvironments.jobName(config, DEFAULT_NAME);
    }
}
