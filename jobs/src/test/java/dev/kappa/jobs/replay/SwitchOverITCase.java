package dev.kappa.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.ingest.IngestJob;
import dev.kappa.jobs.ops.FlinkRest;
import dev.kappa.jobs.table.AuditReport;
import dev.kappa.jobs.table.IcebergReads;
import dev.kappa.jobs.table.TableAudit;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionState;

/**
 * The kappa switch-over on a real broker and a MiniCluster, while events keep arriving: the live
 * pipeline (ingest, dedup, columnar into v1) runs unbounded; {@code kappa replay --follow} with one more
 * typed column rebuilds the table from the start of the log into v2, catches up, takes the table over
 * and stops v1's writer through Flink's REST API; events sent after that must reach the published
 * table through v2. Every id sent must be there exactly once, before, at and after the switch.
 */
class SwitchOverITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final Duration WAIT = Duration.ofMinutes(3);

    @TempDir
    Path tmp;

    @Test
    void aFollowingReplayTakesTheTableOverWithoutLosingOrDoublingAnEventSentAroundTheSwitch() throws Exception {
        String raw = TestKafka.newTopic("raw", 1);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        String unique = TestKafka.newTopic("unique", 2);
        Configuration flink = FLINK.getClientConfiguration();
        List<String> settings = List.of("kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "topics.raw=" + raw,
                "topics.valid=" + valid, "topics.dlq=" + dlq, "topics.unique=" + unique,
                "checkpoint.interval=500ms", "checkpoint.dir=" + tmp.resolve("checkpoints").toUri(),
                "columnar.warehouse=" + tmp.resolve("warehouse").toUri(), "columnar.fields.amount=double",
                "columnar.commit-delay=0s", "ingest.start=earliest", "dedup.start=earliest", "columnar.start=earliest",
                "job.parallelism=1", "replay.progress-interval=1s", "replay.switch-lag=5000",
                "flink.rest.address=" + flink.get(RestOptions.ADDRESS), "flink.rest.port=" + flink.get(RestOptions.PORT));

        // Three phases: a backlog the replay must catch up with, a steady stream while it does, and
        // events sent only once the switch is over, which only the replay's job can write.
        EventGenerator generator = new EventGenerator(new EventGenerator.Spec(36_000, 0.1, 0.01, 0, 7,
                Instant.parse("2026-06-01T00:00:00Z"), Duration.ofHours(4)));
        List<List<ProducerRecord<byte[], byte[]>>> phases = List.of(new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        Set<String> expected = new HashSet<>();
        Set<String> sentAfterSwitch = new HashSet<>();
        for (int i = 0; generator.hasNext(); i++) {
            EventGenerator.Generated g = generator.next();
            int phase = i < 12_000 ? 0 : i < 30_000 ? 1 : 2;
            if (g.kind() == EventGenerator.Kind.UNIQUE) {
                expected.add(g.eventId());
                if (phase == 2) {
                    sentAfterSwitch.add(g.eventId());
                }
            }
            phases.get(phase).add(new ProducerRecord<>(raw, 0, null, g.value()));
        }
        TestKafka.produce(phases.get(0));

        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            running.put("ingest", threads.submit(() -> IngestJob.run(config(settings, "job.name=ingest"),
                    IngestJob.Input.kafka(false))));
            running.put("dedup", threads.submit(() -> DedupJob.run(config(settings, "job.name=dedup"), false)));
            KappaConfig columnar = config(settings, "job.name=columnar");
            Future<?> liveWriter = threads.submit(() -> ColumnarJob.run(columnar, false));
            running.put("columnar", liveWriter);
            TableVersions versions = TableVersions.open(ColumnarSettings.from(columnar).catalog(), "events");
            await("v1 published with rows", () -> versions.current().isPresent() && versions.rowCount(1) > 0);

            Future<?> steady = threads.submit(() -> sendSteadily(phases.get(1), 100, Duration.ofMillis(50)));
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
            Future<ReplayJob.Outcome> replay = threads.submit((Callable<ReplayJob.Outcome>) () -> ReplayJob.run(
                    config(settings, "columnar.fields.url=string"), new ReplayJob.Request(null, false, false, true),
                    out));
            running.put("replay --follow", replay);
            running.remove("columnar"); // the switch stops it

            await("the switch to v2 and v1's writer stopped",
                    () -> versions.current().orElse(0) == 2 && versions.require(1).savepoint() != null);
            steady.get();
            liveWriter.get(); // its job finished at the savepoint, so its client returned
            TestKafka.produce(phases.get(2));

            await("every id in the published table", () -> publishedIds(versions).size() >= expected.size());
            List<Record> published = IcebergReads.published(versions.iceberg());
            Map<String, Integer> copies = new HashMap<>();
            published.forEach(row -> copies.merge((String) row.getField("event_id"), 1, Integer::sum));
            assertThat(copies.keySet()).as("ids in the published table").isEqualTo(expected);
            assertThat(copies.values()).as("copies per id").containsOnly(1);
            assertThat(copies.keySet()).containsAll(sentAfterSwitch);
            assertThat(published).as("the replay's new column").allSatisfy(row ->
                    assertThat((String) row.getField("url")).startsWith("https://shop.example/p/"));
            System.out.print(console); // lag, rates, audit and switch duration, for whoever reads the test's output
            assertThat(console.toString()).contains("follow    lag").contains("audit").contains("switch");

            TableVersion v1 = versions.require(1);
            assertThat(v1.state()).isEqualTo(VersionState.RETIRED);
            assertThat(Files.isDirectory(Path.of(URI.create(v1.savepoint())))).as(v1.savepoint()).isTrue();
            assertThat(new FlinkRest(v1.flinkRest()).jobState(v1.lastJobId().orElseThrow())).isEqualTo("FINISHED");
            assertThat(versions.require(2).state()).isEqualTo(VersionState.PUBLISHED);
            assertThatThrownBy(() -> ColumnarJob.run(columnar, false)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("taken over");
            assertThatThrownBy(versions::rollback).hasMessageContaining("took the table over from it");

            AuditReport audit = TableAudit.run(TestKafka.settings(), dlq, versions, 2);
            assertThat(audit.ok()).as(audit.summary()).isTrue();

            cancelAll();
            assertThat(replay).failsWithin(WAIT);
        } finally {
            cancelAll();
            threads.shutdownNow();
        }
    }

    private static Set<String> publishedIds(TableVersions versions) {
        Set<String> ids = new HashSet<>();
        IcebergReads.published(versions.iceberg()).forEach(row -> ids.add((String) row.getField("event_id")));
        return ids;
    }

    private static Void sendSteadily(List<ProducerRecord<byte[], byte[]>> records, int batch, Duration pause)
            throws Exception {
        for (int from = 0; from < records.size(); from += batch) {
            TestKafka.produce(records.subList(from, Math.min(records.size(), from + batch)));
            Thread.sleep(pause.toMillis());
        }
        return null;
    }

    private static KappaConfig config(List<String> settings, String... more) {
        List<String> all = new ArrayList<>(settings);
        all.addAll(List.of(more));
        return KappaConfig.load(null, all, AllOptions.list());
    }

    /** Jobs and commands that run until cancelled: one that ends early fails the wait with its error. */
    private final Map<String, Future<?>> running = new HashMap<>();

    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            for (Map.Entry<String, Future<?>> job : running.entrySet()) {
                if (job.getValue().isDone()) {
                    job.getValue().get();
                    throw new AssertionError(job.getKey() + " ended while waiting for " + what);
                }
            }
            assertThat(System.nanoTime()).as("waited %s for %s", WAIT, what).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static void cancelAll() throws Exception {
        Configuration client = FLINK.getClientConfiguration();
        try (RestClusterClient<String> cluster = new RestClusterClient<>(client, "switch-over")) {
            for (JobStatusMessage job : cluster.listJobs().get()) {
                if (!job.getJobState().isGloballyTerminalState()) {
                    cluster.cancel(job.getJobId()).get();
                }
            }
        }
    }
}
