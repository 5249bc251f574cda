package dev.kappa.jobs.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.testkit.FailureInjector;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.FailingRuns;
import dev.kappa.jobs.cli.TestConfigs;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.table.FileProvenance;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.IcebergReads;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersions;

/**
 * The whole pipeline, raw records to Parquet, on a MiniCluster and a real broker, with failures
 * injected into every stage; the table is then read back file by file.
 */
class ColumnarJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void pipelineUnderInjectedFailuresWritesEachUniqueEventOnceIntoItsHourAndMarksOnlyCompletePartitions()
            throws Exception {
        String raw = TestKafka.newTopic("raw", 1);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        String unique = TestKafka.newTopic("unique", 2);
        EventGenerator generator = new EventGenerator(new EventGenerator.Spec(120_000, 0.1, 0.01, 0, 11,
                Instant.parse("2026-03-01T00:00:00Z"), Duration.ofHours(60)));
        Map<String, JsonNode> expected = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        while (generator.hasNext()) {
            EventGenerator.Generated g = generator.next();
            if (g.kind() == EventGenerator.Kind.UNIQUE) {
                expected.put(g.eventId(), JSON.readTree(g.value()));
            }
            records.add(new ProducerRecord<>(raw, 0, null, g.value()));
        }
        TestKafka.produce(records);

        long seed = System.nanoTime();
        KappaConfig ingest = TestConfigs.ingest(raw, valid, dlq, tmp, "job.parallelism=1");
        FailingRuns.ingest(ingest, 1, 5_000, 30_000, seed);
        KappaConfig dedup = TestConfigs.dedup(valid, unique, dlq, tmp, "job.parallelism=1");
        FailingRuns.dedup(dedup, 1, 5_000, 30_000, seed);

        // Parallel subtasks of ingest and dedup would interleave a backlog into the log at their own
        // pace, hours of event time apart; run one each so every row here is on time and the markers
        // can be checked exactly (late rows are tested on their own).
        Path warehouse = tmp.resolve("warehouse");
        KappaConfig columnar = TestConfigs.columnar(unique, warehouse, tmp, "event-time.out-of-orderness=3h",
                "event-time.idle-timeout=30min",
                "columnar.commit-delay=0s", "columnar.fields.user_id=string", "columnar.fields.amount=double",
                "columnar.target-file-size=200kb", "columnar.compact-after-checkpoints=1");
        String columnarName = columnar.get(CommonOptions.JOB_NAME);
        TableVersions versions = TableVersions.open(ColumnarSettings.from(columnar).catalog(), "events");
        ColumnarSettings settings = ColumnarJob.registerVersion(versions, ColumnarSettings.from(columnar),
                columnarName, unique);
        StreamExecutionEnvironment columnarEnv = FlinkEnvironments.create(columnar);
        // Unbounded, as in production: every marker must come from the streaming committer.
        DataStream<LoggedEvent> log = ColumnarJob.kafkaSource(columnarEnv, columnar, columnarName, false)
                .map(FailureInjector.<LoggedEvent>failTimes(columnarName, 3, 5_000, 25_000, seed))
                .uid("failure-injector");
        ColumnarJob.define(log, settings);
        MarkerWatch watch = new MarkerWatch(settings.versionPath());
        watch.start();
        JobClient job = columnarEnv.executeAsync(columnarName);
        // The watermark ends at the newest event time of the slower log partition minus the allowed
        // out-of-orderness (the idle timeout is long enough never to release it): only hours that end
        // before it may be marked, and each of them must be, whatever the failures hit (restores resume
        // the checkpointed watermark).
        Map<Integer, Long> newestPerLogPartition = new HashMap<>();
        Set<String> closable = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            Map<String, Long> visible = new HashMap<>();
            newestPerLogPartition.clear();
            // what the catalog's snapshot lists: visible files join it one checkpoint after their rename
            TableScan.forEachRow(TableScan.partitionsOf(versions.files(settings.version())), row -> {
                visible.merge(row.partition(), 1L, Long::sum);
                newestPerLogPartition.merge(row.logPartition(), row.eventTimeMillis(), Math::max);
            });
            long watermark = newestPerLogPartition.values().stream().mapToLong(Long::longValue).min().orElse(0)
                    - Duration.ofHours(3).toMillis() - 1;
            closable.clear();
            visible.keySet().stream().filter(p -> HourPartitions.end(p) <= watermark).forEach(closable::add);
            long rowCount = visible.values().stream().mapToLong(Long::longValue).sum();
            Set<String> marked = watch.rowsWhenMarked.keySet();
            if (marked.equals(closable) && rowCount == expected.size()) {
                break;
            }
            assertThat(System.nanoTime()).as("all rows visible (%d of %d) and every closable hour marked (%d of "
                    + "%d; unmarked %s); %s; seed %d", rowCount, expected.size(), marked.size(), closable.size(),
                    closable.stream().filter(p -> !marked.contains(p)).sorted().toList(), watch.state(), seed)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
        watch.stop();
        job.cancel().get();

        assertThat(FailureInjector.remaining(ingest.get(CommonOptions.JOB_NAME))
                + FailureInjector.remaining(dedup.get(CommonOptions.JOB_NAME))
                + FailureInjector.remaining(columnarName)).as("planned failures that did not happen (seed %d)", seed)
                .isZero();
        Map<String, TableScan.Row> rows = new HashMap<>();
        Map<String, Long> rowsPerPartition = new HashMap<>();
        // Iceberg's reader, by the table's name: the failures hit between renames and catalog commits too
        List<Record> published = IcebergReads.published(versions.iceberg());
        assertThat(published).as("rows in the published table (seed %d)", seed).hasSize(expected.size());
        assertThat(published.stream().map(r -> (String) r.getField("event_id")).collect(Collectors.toSet()))
                .as("seed %d", seed).isEqualTo(expected.keySet());
        TableScan.forEachRow(TableScan.partitionsOf(versions.files(settings.version())), row -> {
            assertThat(rows.put(row.eventId(), row)).as("%s repeated (seed %d)", row.eventId(), seed).isNull();
            rowsPerPartition.merge(row.partition(), 1L, Long::sum);
        });
        assertThat(rows.keySet()).as("seed %d", seed).isEqualTo(expected.keySet());
        for (TableScan.Row row : rows.values()) {
            JsonNode sent = expected.get(row.eventId());
            Instant time = eventTime(sent.get("event_time"));
            assertThat(row.eventTimeMillis()).isEqualTo(time.toEpochMilli());
            assertThat(row.partition()).isEqualTo(HourPartitions.of(time.toEpochMilli()));
            assertThat(row.eventType()).isEqualTo(sent.get("event_type").asText());
            assertThat(row.source()).isEqualTo(sent.get("source").asText());
            assertThat(JSON.readTree(row.payload())).isEqualTo(sent.get("payload"));
            assertThat(row.projected()).containsEntry("user_id", sent.get("payload").get("user_id").asText())
                    .containsEntry("amount", sent.get("payload").get("amount").asDouble());
        }
        assertThat(rows.values().stream().filter(TableScan.Row::arrivedLate).count()).as("late rows").isZero();

        List<TableScan.Partition> partitions = TableScan.partitions(settings.versionPath());
        assertThat(partitions).extracting(TableScan.Partition::name)
                .containsExactlyInAnyOrderElementsOf(rowsPerPartition.keySet());
        assertThat(partitions).hasSizeGreaterThan(50);
        List<String> marked = partitions.stream().filter(TableScan.Partition::complete)
                .map(TableScan.Partition::name).toList();
        assertThat(marked).as("marked partitions are the closable ones (seed %d)", seed)
                .containsExactlyInAnyOrderElementsOf(closable);
        watch.rowsWhenMarked.forEach((partition, visible) -> assertThat(visible)
                .as("rows visible in %s when its _SUCCESS appeared", partition)
                .isEqualTo(rowsPerPartition.get(partition)));
        try (Stream<Path> files = Files.walk(Path.of(java.net.URI.create(settings.versionPath())))) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(TableScan::isVisible))
                    .as("every visible file is a finished Parquet file")
                    .allMatch(name -> name.endsWith(".parquet"));
        }
    }

    private static Instant eventTime(JsonNode node) {
        return node.isNumber() ? Instant.ofEpochMilli(node.asLong()) : Instant.parse(node.asText());
    }

    /** Polls the table while the job runs and notes how many rows each partition shows when its marker appears. */
    private static final class MarkerWatch {

        final Map<String, Long> rowsWhenMarked = new ConcurrentHashMap<>();
        private final String versionPath;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::poll, "marker-watch");
        private volatile Throwable failure;
        private volatile IOException lastRace;

        MarkerWatch(String versionPath) {
            this.versionPath = versionPath;
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
            if (failure != null) {
                throw new AssertionError("watching the table failed", failure);
            }
        }

        /** A listing or footer read that races a rename is retried; anything else stops the watch. */
        private void poll() {
            try {
                while (running.get()) {
                    try {
                        for (TableScan.Partition partition : TableScan.partitions(versionPath)) {
                            if (partition.complete() && !rowsWhenMarked.containsKey(partition.name())) {
                                rowsWhenMarked.put(partition.name(), partition.sum(FileProvenance.ROWS));
                            }
                        }
                    } catch (IOException e) {
                        lastRace = e;
                    }
                    Thread.sleep(50);
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        String state() {
            return "watch " + (failure != null ? "failed: " + failure : "running") + (lastRace != null
                    ? ", last retried read: " + lastRace : "");
        }
    }
}
