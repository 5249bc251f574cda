package dev.kappa.jobs.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.fs.Path;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.jobs.ops.FlinkRest;
import dev.kappa.jobs.ops.WriterGuard;
import dev.kappa.jobs.table.AuditMismatchException;
import dev.kappa.jobs.table.AuditReport;
import dev.kappa.jobs.table.TableAudit;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionState;

/**
 * The kappa switch-over, for a replay that follows the log: it reports its lag; once the lag has been
 * at most {@code replay.switch-lag} records at three reports in a row, it audits what it has committed
 * up to the offsets it had read, publishes its version (readers of the table's name switch in one
 * catalog commit, which also records that it took the table over from the version published before),
 * and stops that version's writer with a savepoint, through Flink's REST API at the address that
 * writer recorded. The replay's job goes on as the table's
 * writer: each of its commits moves the published branch with it.
 */
final class TakeOver {

    private static final Logger LOG = LoggerFactory.getLogger(TakeOver.class);
    private static final int REPORTS_CAUGHT_UP = 3;
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

    private TakeOver() {
    }

    static ReplayJob.Outcome follow(ReplayJob.Started started, PrintStream out) throws Exception {
        try (TableVersions versions = started.versions()) {
            TableVersion version = started.version();
            AuditReport audit = null;
            if (version.state() != VersionState.PUBLISHED) {
                LogLag caughtUp = awaitCaughtUp(started, out);
                long caughtUpNanos = System.nanoTime();
                audit = auditUpTo(started, caughtUp, out);
                OptionalInt previous = versions.takeOver(version.version());
                long switchMillis = (System.nanoTime() - caughtUpNanos) / 1_000_000;
                out.printf("  switch    %s.%s now shows %s%s, %d ms after it caught up%n", versions.catalog().name(),
                        versions.catalog().identifier(versions.table()), version.name(),
                        previous.isPresent() ? " instead of v" + previous.getAsInt() : "", switchMillis);
                LOG.info("Switched {} to {}: readers see it {} ms after it caught up with the log", versions.table(),
                        version.name(), switchMillis);
            }
            // also on a resume: the process may have died between the switch and the stop
            for (TableVersion old : versions.list()) {
                if (Integer.valueOf(version.version()).equals(old.takenOverBy()) && old.savepoint() == null) {
                    stopWriter(versions, old, started.config(), out);
                }
            }
            version = versions.require(version.version());
            if (started.detached()) {
                out.printf("  follow    %s goes on writing %s on the cluster as job %s%n", version.job(),
                        version.name(), started.client().getJobID());
                return new ReplayJob.Outcome(version, audit, null);
            }
            out.printf("  follow    %s goes on writing %s; stop it with a savepoint to end it%n", version.job(),
                    version.name());
            JobExecutionResult result = started.client().getJobExecutionResult().get();
            return new ReplayJob.Outcome(versions.require(version.version()), audit, result);
        }
    }

    private static LogLag awaitCaughtUp(ReplayJob.Started started, PrintStream out) throws Exception {
        KappaConfig config = started.config();
        KafkaSettings kafka = KafkaSettings.from(config);
        int switchLag = config.get(ReplayOptions.SWITCH_LAG);
        Duration interval = config.get(ReplayOptions.PROGRESS_INTERVAL);
        try (KafkaAdmin admin = new KafkaAdmin(kafka);
                KafkaConsumer<byte[], byte[]> consumer = KafkaTopicReader.consumer(kafka)) {
            LogLag previous = null;
            long previousNanos = 0;
            int caughtUp = 0;
            while (true) {
                if (started.client().getJobStatus().get().isTerminalState()) {
                    throw new IllegalStateException("the replay job " + started.client().getJobID() + " ended ("
                            + started.client().getJobStatus().get() + ") before it caught up with the log; "
                            + "'kappa replay --follow --resume' continues it from its last checkpoint");
                }
                LogLag lag = LogLag.measure(admin, consumer, started.version().range(), started.version().job());
                long now = System.nanoTime();
                out.println(lag.line(previous, previous == null ? 0 : (now - previousNanos) / 1e9));
                caughtUp = lag.records() <= switchLag ? caughtUp + 1 : 0;
                if (caughtUp == REPORTS_CAUGHT_UP) {
                    return lag;
                }
                previous = lag;
                previousNanos = now;
                Thread.sleep(interval.toMillis());
            }
        }
    }

    /**
     * Audits the version up to the offsets the replay had committed when it caught up. Their rows are in
     * files that join the table a checkpoint or two later, so missing ids are looked for again until
     * they have all come or ten checkpoint intervals (at least a minute) have passed; a duplicated or
     * foreign row fails at once. A failed audit cancels the replay, which is never published.
     */
    private static AuditReport auditUpTo(ReplayJob.Started started, LogLag caughtUp, PrintStream out)
            throws Exception {
        KappaConfig config = started.config();
        Duration checkpoints = config.get(CommonOptions.CHECKPOINT_INTERVAL);
        long deadline = System.nanoTime() + Math.max(Duration.ofMinutes(1).toNanos(), 10 * checkpoints.toNanos());
        while (true) {
            AuditReport audit = TableAudit.runUpTo(KafkaSettings.from(config), config.get(CommonOptions.TOPIC_DLQ),
                    started.versions(), started.version().version(), caughtUp.position());
            boolean failed = audit.duplicated().count() > 0 || audit.notInLog().count() > 0
                    || !audit.ok() && System.nanoTime() > deadline;
            if (audit.ok() || failed) {
                started.versions().update(started.version().version(),
                        v -> v.withAudit(audit.ok() ? "passed" : "failed"));
                out.printf("  audit     %s%n", audit.summary());
            }
            if (audit.ok()) {
                return audit;
            }
            if (failed) {
                started.client().cancel().get();
                out.printf("  replay    cancelled; %s stays building and is never published%n",
                        started.version().name());
                throw new AuditMismatchException(audit);
            }
            Thread.sleep(checkpoints.toMillis());
        }
    }

    /**
     * Stops the job that wrote the version taken over from, with a savepoint beside the checkpoints, and
     * records where; a job not running (restarting, say) is cancelled instead. Its commits no longer reach
     * readers either way (only the published version's writer moves main), so a writer that cannot be
     * reached is reported with what to do, not retried.
     */
    private static void stopWriter(TableVersions versions, TableVersion old, KappaConfig config, PrintStream out) {
        if (old.lastJobId().isEmpty() || old.flinkRest() == null) {
            out.printf("  switch    %s records no job that writes it; nothing to stop%n", old.name());
            return;
        }
        String jobId = old.lastJobId().get();
        FlinkRest flink = new FlinkRest(old.flinkRest());
        try {
            Optional<String> state = flink.jobStateIfAny(jobId);
            if (state.isEmpty() || WriterGuard.ENDED.contains(state.get())) {
                out.printf("  switch    %s's job %s has ended (%s); nothing to stop%n", old.name(), jobId,
                        state.orElse("its cluster is gone"));
                return;
            }
            if (!"RUNNING".equals(state.get())) {
                flink.cancel(jobId);
                out.printf("  switch    cancelled %s's writer (job %s), which was %s%n", old.name(), jobId,
                        state.get());
                LOG.info("Cancelled {} {}'s writer, job {} at {} ({})", versions.table(), old.name(), jobId,
                        old.flinkRest(), state.get());
                return;
            }
            // beside the jobs' checkpoint directories (the replay's own is one level below checkpoint.dir)
            String target = new Path(new Path(config.get(CommonOptions.CHECKPOINT_DIR)).getParent(),
                    "savepoints/" + versions.table() + "-" + old.name()).toString();
            String savepoint = flink.stopWithSavepoint(jobId, target, STOP_TIMEOUT);
            versions.update(old.version(), v -> v.withSavepoint(savepoint));
            out.printf("  switch    stopped %s's writer (job %s) with a savepoint at %s%n", old.name(), jobId,
                    savepoint);
            LOG.info("Stopped {} {}'s writer, job {} at {}, with a savepoint at {}", versions.table(), old.name(),
                    jobId, old.flinkRest(), savepoint);
        } catch (IOException e) {
            out.printf("  switch    could not stop %s's writer, job %s at %s: %s. It no longer changes what readers "
                    + "see; stop it yourself (flink stop %s)%n", old.name(), jobId, old.flinkRest(), e.getMessage(),
                    jobId);
            LOG.error("Could not stop {} {}'s writer, job {} at {}; stop it yourself", versions.table(), old.name(),
                    jobId, old.flinkRest(), e);
        }
    }
}
