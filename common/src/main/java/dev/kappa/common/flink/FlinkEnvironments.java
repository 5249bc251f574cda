package dev.kappa.common.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;

/**
 * Builds the execution environment every job runs in, so that checkpointing, state backend and
 * the uid discipline are set in one place. {@code getExecutionEnvironment} makes the same code a
 * MiniCluster run locally and a submission under {@code flink run}.
 */
public final class FlinkEnvironments {

    private FlinkEnvironments() {
    }

    public static StreamExecutionEnvironment create(KappaConfig config) {
        Configuration flink = flinkConfiguration(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        if (env instanceof LocalStreamEnvironment && !flink.contains(RestOptions.BIND_PORT)) {
            // A local run's MiniCluster serves Flink's REST API as a cluster does; on a port known before
            // the job starts, so that another process (a replay taking the table over) can stop this job.
            int port = freePort();
            // Flink's REST API has no authentication: a local run's answers only this machine
            flink.set(RestOptions.ADDRESS, "127.0.0.1");
            flink.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
            flink.set(RestOptions.BIND_PORT, String.valueOf(port));
            flink.set(RestOptions.PORT, port);
            env = StreamExecutionEnvironment.createLocalEnvironment(flink);
        }
        requireStreaming(env.getConfiguration());
        int parallelism = config.get(CommonOptions.PARALLELISM);
        if (parallelism > 0) {
            env.setParallelism(parallelism);
        }
        return env;
    }

    /**
     * Read from the environment, which under {@code flink run} also holds the cluster's own
     * configuration. BATCH mode has no checkpoints, on which exactly-once output and the table commits
     * rest, and keeps keyed state for one key at a time, so dedup would remember no event_id.
     */
    private static void requireStreaming(ReadableConfig flink) {
        RuntimeExecutionMode mode = flink.get(ExecutionOptions.RUNTIME_MODE);
        if (mode != RuntimeExecutionMode.STREAMING) {
            throw new ConfigException(ExecutionOptions.RUNTIME_MODE.key() + " is " + mode + ", but the kappa jobs"
                    + " run in STREAMING mode only: their exactly-once output and table commits rest on"
                    + " checkpoints, and dedup remembers event_ids across keys, neither of which BATCH mode has."
                    + " Remove the setting (STREAMING is Flink's default); a bounded run in STREAMING mode ends"
                    + " by itself when its input ends.");
        }
    }

    /**
     * True under {@code flink run -d}: the client submits the job and returns, so nothing after the
     * submission may wait for the job's end or read its accumulators.
     */
    public static boolean detached(StreamExecutionEnvironment env) {
        return !env.getConfiguration().get(DeploymentOptions.ATTACHED);
    }

    /** The REST API of the cluster {@code env} runs its job on (for a local run, its own MiniCluster). */
    public static String restUrl(StreamExecutionEnvironment env) {
        ReadableConfig flink = env.getConfiguration();
        String host = flink.getOptional(RestOptions.ADDRESS).orElse(flink.get(JobManagerOptions.ADDRESS));
        return "http://" + (host != null ? host : "localhost") + ":" + flink.get(RestOptions.PORT);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for the MiniCluster's REST API", e);
        }
    }

    /** {@code job.name} if set, else the job's own default (kappa-<command>). */
    public static String jobName(KappaConfig config, String defaultName) {
        String configured = configuredJobName(config);
        return configured != null ? configured : defaultName;
    }

    /**
     * {@code job.name} as given on this command's line, or null. A name in a config file would be
     * every command's name: ingest and dedup would share transactional ids on topics.dlq and fence
     * each other, and replays of different versions would share a checkpoint directory.
     */
    public static String configuredJobName(KappaConfig config) {
        String configured = config.get(CommonOptions.JOB_NAME);
        String origin = config.originOf(CommonOptions.JOB_NAME);
        if (configured != null && !origin.equals(KappaConfig.COMMAND_LINE)) {
            throw new ConfigException(origin + ": job.name would give every command that reads this file the same "
                    + "name, so ingest and dedup would fence each other's transactions on the dead-letter topic and "
                    + "replays of different versions would share one checkpoint directory. Remove it: each command "
                    + "has its own name (kappa-<command>, kappa-replay-<table>-v<N>); to rename one command, pass "
                    + "--set job.name=... on its own command line");
        }
        return configured;
    }

    /**
     * The longest a Kafka sink transaction can stay open: from one checkpoint barrier to the end of the
     * next checkpoint, which may expire (checkpoint timeout) as many times in a row as the job tolerates
     * before it fails over; its records are committed with the first checkpoint that completes.
     */
    public static Duration longestTransaction(KappaConfig config) {
        Configuration flink = flinkConfiguration(config);
        Duration perCheckpoint = flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)
                .plus(flink.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT));
        int tolerated = flink.getOptional(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER).orElse(0);
        return perCheckpoint.multipliedBy(tolerated + 1L);
    }

    public static Configuration flinkConfiguration(KappaConfig config) {
        Configuration flink = new Configuration();
        // A missing uid must fail the build of the job graph: an auto-generated one changes with the
        // topology and silently orphans state on the next savepoint restore.
        flink.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        // Kryo fallback is slow and its state is not evolvable; every type must have a real serializer.
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        // Records are immutable and no operator keeps one after passing it on, so the defensive deep
        // copy between chained operators (the whole JSON payload, per record) buys nothing.
        flink.set(PipelineOptions.OBJECT_REUSE, true);
        flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.get(CommonOptions.CHECKPOINT_INTERVAL));
        flink.set(CheckpointingOptions.CHECKPOINTING_TIMEOUT, config.get(CommonOptions.CHECKPOINT_TIMEOUT));
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.get(CommonOptions.CHECKPOINT_DIR));
        flink.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        CommonOptions.StateBackend backend = config.get(CommonOptions.STATE_BACKEND);
        flink.set(StateBackendOptions.STATE_BACKEND, backend.name().toLowerCase(Locale.ROOT));
        flink.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, backend == CommonOptions.StateBackend.ROCKSDB);
        config.get(CommonOptions.FLINK).forEach(flink::setString);
        return flink;
    }
}
