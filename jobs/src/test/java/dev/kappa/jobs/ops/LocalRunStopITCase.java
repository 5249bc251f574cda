package dev.kappa.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.TestConfigs;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;

/**
 * A job run locally, as {@code deploy/kappa columnar} runs it (its own MiniCluster, no shared test
 * cluster), can be stopped with a savepoint from outside through the REST API it recorded, although
 * its MiniCluster shuts down with the job before it can say where the savepoint went; while it runs,
 * a second writer of its version is refused.
 */
class LocalRunStopITCase {

    @TempDir
    Path tmp;

    @Test
    void aLocalRunIsStoppedWithASavepointThroughTheRestApiItRecorded() throws Exception {
        String unique = TestKafka.newTopic("unique", 1);
        KappaConfig config = TestConfigs.columnar(unique, tmp.resolve("warehouse"), tmp, "job.parallelism=1");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (TableVersions versions = TableVersions.open(ColumnarSettings.from(config).catalog(), "events")) {
            Future<?> run = thread.submit(() -> ColumnarJob.run(config, false));
            TableVersion v1 = awaitCheckpointedWriter(versions, run);
            assertThat(v1.flinkRest()).startsWith("http://127.0.0.1:");
            assertThatThrownBy(() -> WriterGuard.refuseIfRunning("events", v1)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("already written by job " + v1.lastJobId().orElseThrow());

            FlinkRest rest = new FlinkRest(v1.flinkRest());
            String savepoint = rest.stopWithSavepoint(v1.lastJobId().orElseThrow(),
                    tmp.resolve("savepoints").toUri().toString(), Duration.ofMinutes(2));

            assertThat(Path.of(URI.create(savepoint)).resolve("_metadata")).isRegularFile();
            run.get(1, TimeUnit.MINUTES); // the job finished at its savepoint, so the command returned
            assertThat(rest.jobStateIfAny(v1.lastJobId().orElseThrow())).isEqualTo(Optional.empty());
            WriterGuard.refuseIfRunning("events", v1);
        } finally {
            thread.shutdownNow();
        }
    }

    private static TableVersion awaitCheckpointedWriter(TableVersions versions, Future<?> run) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            if (run.isDone()) {
                run.get();
                throw new AssertionError("the columnar job ended by itself");
            }
            Optional<TableVersion> v1 = versions.get(1);
            if (v1.isPresent() && v1.get().lastJobId().isPresent()) {
                FlinkRest rest = new FlinkRest(v1.get().flinkRest());
                boolean checkpointed = rest.jobs().stream().anyMatch(job -> job.id().equals(v1.get().lastJobId().get())
                        && job.lastCheckpoint().isPresent());
                if (checkpointed) {
                    return v1.get();
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint of the local columnar job within 2 minutes");
    }
}
