package dev.kappa.jobs.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.LogWatermarks;
import dev.kappa.common.flink.RetainedCheckpoints;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LogRange;
import dev.kappa.common.kafka.LoggedEventDeserializer;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarOptions;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.dedup.DedupSettings;
import dev.kappa.jobs.ops.WriterGuard;
import dev.kappa.jobs.table.AuditMismatchException;
import dev.kappa.jobs.table.AuditReport;
import dev.kappa.jobs.table.TableAudit;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionState;

/**
 * Kappa reprocessing: rebuilds a table from the retained log into a new version beside the published
 * one, with the live jobs' own workflows chained (dedup, then columnar), and publishes it only once it
 * has been built and audited. It reads a recorded stretch of the log (from a start to the end offsets
 * seen when it began), under its own job name (consumer group, transactional ids) and checkpoint
 * directory, so it never disturbs the live jobs and can be resumed from its last checkpoint.
 */
public final class ReplayJob {

    public static final String SOURCE_UID = "replay-kafka-source";

    private ReplayJob() {
    }

    /** The workflow: the same dedup and columnar code as the live jobs, without the topic between them. */
    public static void define(DataStream<LoggedEvent> log, DedupSettings dedup, ColumnarSettings table,
            Sink<DeadLetter> deadLetters) {
        ColumnarJob.define(DedupJob.deduplicate(log, dedup, deadLetters), table);
    }

    /**
     * What to do.
     *
     * @param from first event time to rebuild from; null for the earliest retained record
     * @param resume continue the newest replay left building (or, with {@code follow}, the published
     *     version a replay that follows the log writes) instead of starting a new version
     * @param follow read on past the end of the log and take the table over once caught up ({@link TakeOver})
     */
    public record Request(Instant from, boolean resume, boolean publish, boolean follow) {
    }

    /**
     * A replay under way; {@link #finish} closes its catalog connection. {@code progress} is null for a
     * replay that follows the log, which reports its lag itself.
     */
    public record Started(TableVersions versions, TableVersion version, KappaConfig config, JobClient client,
            ReplayProgress progress, boolean detached) {
    }

    /** A replay done: the version as recorded, its audit, and the job's result. */
    public record Outcome(TableVersion version, AuditReport audit, JobExecutionResult result) {
    }

    public static Outcome run(KappaConfig config, Request request, PrintStream out) throws Exception {
        Started started = start(config, request, out);
        return request.follow() ? TakeOver.follow(started, out) : finish(started, request.publish(), out);
    }

    /** Records the version (or finds the one to resume) and submits the job. */
    public static Started start(KappaConfig config, Request request, PrintStream out) throws Exception {
        ColumnarSettings table = ColumnarSettings.from(config); // bad settings fail before the broker is asked
        DedupSettings.from(config);
        LogWatermarks.from(config);
        KafkaSettings kafka = KafkaSettings.from(config);
        String topic = sourceTopic(config);
        String dlq = config.get(CommonOptions.TOPIC_DLQ);

        TableVersion version;
        String recoveryPath = null;
        TableVersions versions = TableVersions.open(table.catalog(), table.table());
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.requireTopics(List.of(topic, dlq));
            admin.checkRetention(topic).ifPresent(warning -> out.println("  replay    warning: " + warning));
            if (request.resume()) {
                version = resumable(versions, request.follow());
                verifyAccess(admin, config, version.job(), topic, dlq);
                WriterGuard.refuseIfRunning(table.table(), version);
                recoveryPath = config.get(CommonOptions.FLINK).get(StateRecoveryOptions.SAVEPOINT_PATH.key());
                if (recoveryPath == null) {
                    recoveryPath = RetainedCheckpoints.latest(version.checkpointDir()).orElse(null);
                }
                out.printf("  replay    resuming %s %s from %s%n", table.table(), version.name(),
                        recoveryPath != null ? recoveryPath : "the start of its range (it left no checkpoint)");
            } else {
                int number = versions.nextVersion();
                String base = FlinkEnvironments.configuredJobName(config);
                // per version: a resumed replay looks for its checkpoints under its job's name
                String job = (base != null ? base : "kappa-replay") + "-" + table.table() + "-v" + number;
                verifyAccess(admin, config, job, topic, dlq);
                String checkpoints = new Path(new Path(config.get(CommonOptions.CHECKPOINT_DIR)), job).toString();
                LogRange range = LogRange.capture(admin, topic, request.from());
                version = versions.add(request.follow() ? TableVersion.following(number, job, range, checkpoints)
                        : TableVersion.replay(number, job, range, checkpoints), table.schema());
                out.printf("  replay    building %s %s from %s (%,d offsets%s) as job %s%n", table.table(),
                        version.name(), version.range(), version.range().size(),
                        request.follow() ? " to catch up with, then on" : "", job);
            }
        } catch (RuntimeException e) {
            versions.close();
            throw e;
        }

        KappaConfig jobConfig = config.with(CommonOptions.JOB_NAME, version.job())
                .with(CommonOptions.CHECKPOINT_DIR, version.checkpointDir())
                .with(ColumnarOptions.VERSION, version.version());
        if (recoveryPath != null) {
            jobConfig = jobConfig.with("flink." + StateRecoveryOptions.SAVEPOINT_PATH.key() + "=" + recoveryPath);
        }
        StreamExecutionEnvironment env = FlinkEnvironments.create(jobConfig);
        DataStream<LoggedEvent> log = LogWatermarks.from(jobConfig).read(env, version.follows()
                ? KafkaConnectors.following(kafka, version.range(), version.job(), new LoggedEventDeserializer())
                : KafkaConnectors.source(kafka, version.range(), version.job(), new LoggedEventDeserializer()),
                version.range().topic(), SOURCE_UID);
        ColumnarSettings columns = ColumnarSettings.from(jobConfig);
        define(log, DedupSettings.from(jobConfig), columns.withSchema(versions.columnsOf(version.version(),
                columns.schema())), DedupJob.deadLetterSink(jobConfig, version.job()));
        JobClient client = env.executeAsync(version.job());
        version = versions.update(version.version(),
                v -> v.withWriter(client.getJobID().toString(), FlinkEnvironments.restUrl(env)));
        ReplayProgress progress = version.follows() ? null : ReplayProgress.start(kafka, version.range(),
                version.job(), config.get(ReplayOptions.PROGRESS_INTERVAL), out);
        return new Started(versions, version, jobConfig, client, progress, FlinkEnvironments.detached(env));
    }

    /** The replay reads its source and, to audit the version, the dead letters; dedup parks letters exactly-once. */
    private static void verifyAccess(KafkaAdmin admin, KappaConfig config, String job, String topic, String dlq) {
        admin.verifyAccess(job, List.of(topic, dlq), List.of(dlq));
        admin.verifyTransactions(job, List.of(dlq), FlinkEnvironments.longestTransaction(config));
    }

    /**
     * Waits for the job, marks the partitions complete, audits the version and records it as ready,
     * then publishes it if asked. A version that fails its audit is never published.
     */
    public static Outcome finish(Started started, boolean publish, PrintStream out) throws Exception {
        try (TableVersions versions = started.versions()) {
            return finish(started, versions, publish, out);
        }
    }

    private static Outcome finish(Started started, TableVersions versions, boolean publish, PrintStream out)
            throws Exception {
        JobExecutionResult result;
        try (ReplayProgress progress = started.progress()) {
            result = started.client().getJobExecutionResult().get();
        } catch (ExecutionException e) {
            out.printf("  replay    %s stopped before the end; it stays building: 'kappa replay --resume' "
                    + "continues it from its last checkpoint%n", started.version().name());
            throw e;
        }
        int number = started.version().version();
        ColumnarJob.recordBoundedRun(versions, number);
        versions.update(number, v -> v.withState(VersionState.READY));

        KafkaSettings kafka = KafkaSettings.from(started.config());
        AuditReport audit = TableAudit.run(kafka, started.config().get(CommonOptions.TOPIC_DLQ), versions, number);
        TableVersion version = versions.require(number);
        out.printf("  audit     %s%n", audit.summary());
        if (!audit.ok()) {
            throw new AuditMismatchException(audit);
        }
        if (publish) {
            versions.publish(number);
            version = versions.require(number);
            out.printf("  publish   %s.%s now shows %s%n", versions.catalog().name(),
                    versions.catalog().identifier(versions.table()), version.name());
        }
        return new Outcome(version, audit, result);
    }

    private static TableVersion resumable(TableVersions versions, boolean follow) throws IOException {
        Optional<TableVersion> building = versions.list().stream()
                .filter(v -> "replay".equals(v.builtBy()) && v.follows() == follow)
                .filter(v -> v.state() == VersionState.BUILDING
                        || follow && v.state() == VersionState.PUBLISHED)
                .max(Comparator.comparingInt(TableVersion::version));
        return building.orElseThrow(() -> new IllegalArgumentException("table " + versions.table() + " has no "
                + (follow ? "replay that follows the log" : "replay left building") + " to resume (kappa table list)"));
    }

    private static String sourceTopic(KappaConfig config) {
        String configured = config.get(ReplayOptions.SOURCE);
        return configured != null ? configured : config.get(CommonOptions.TOPIC_VALID);
    }
}
