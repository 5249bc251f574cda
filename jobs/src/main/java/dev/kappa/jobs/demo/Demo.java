package dev.kappa.jobs.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.columnar.ColumnarSummary;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.dedup.DedupSummary;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.generate.EventSender;
import dev.kappa.jobs.ingest.IngestJob;
import dev.kappa.jobs.ingest.IngestSummary;
import dev.kappa.jobs.table.CatalogSettings;
import dev.kappa.jobs.table.TableQuery;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersions;

/**
 * The whole pipeline on this machine with nothing installed: starts a real Kafka broker, generates
 * traffic with duplicates and malformed records, runs every job on a local MiniCluster, checks the
 * outputs against what was sent, prints a summary, and removes everything it started.
 */
public final class Demo {

    private final long events;
    private final long seed;
    private final Path warehouse;
    private final Function<List<String>, KappaConfig> config;

    /**
     * @param config the configuration with the demo's own settings applied first, so that the user's
     *     overrides still win
     */
    public Demo(long events, long seed, Path warehouse, Function<List<String>, KappaConfig> config) {
        this.events = events;
        this.seed = seed;
        this.warehouse = warehouse;
        this.config = config;
    }

    public void run() {
        Path workDir;
        try {
            DemoWarehouse.prepare(warehouse);
            workDir = Files.createTempDirectory("kappa-demo-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrintStream out = System.out;
        out.println("kappa demo: starting a Kafka broker in " + workDir);
        LocalKafkaBroker broker = LocalKafkaBroker.start(workDir.resolve("kafka"));
        Thread cleanup = new Thread(() -> stop(broker, workDir), "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            runPipeline(broker, workDir, out);
        } finally {
            stop(broker, workDir);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    private void runPipeline(LocalKafkaBroker broker, Path workDir, PrintStream out) {
        KappaConfig conf = config.apply(List.of(
                "job.parallelism=2",
                "checkpoint.interval=2s",
                "checkpoint.dir=" + workDir.resolve("checkpoints").toUri(),
                "ingest.start=earliest",
                "dedup.start=earliest",
                "columnar.start=earliest",
                "columnar.warehouse=" + warehouse.toAbsolutePath().toUri(),
                "columnar.fields.user_id=string",
                "columnar.fields.amount=double",
                "columnar.commit-delay=0s",
                CommonOptions.BOOTSTRAP_SERVERS.key() + "=" + broker.bootstrapServers()));
        KafkaSettings kafka = KafkaSettings.from(conf);
        String raw = conf.get(CommonOptions.TOPIC_RAW);
        String valid = conf.get(CommonOptions.TOPIC_VALID);
        String dlq = conf.get(CommonOptions.TOPIC_DLQ);
        String unique = conf.get(CommonOptions.TOPIC_UNIQUE);
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(raw, valid, dlq, unique),
                    conf.get(CommonOptions.TOPIC_PARTITIONS), 1);
        }
        out.printf("  kafka     broker at %s%n", broker.bootstrapServers());

        EventGenerator.Spec spec = new EventGenerator.Spec(events, 0.1, 0.02, 0.05, seed,
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(6));
        EventSender.Counts sent = EventSender.send(kafka, raw, spec, 0, out);
        out.printf("  generate  %s -> %s%n", sent, raw);

        IngestSummary ingest = IngestSummary.of(
                runJob("ingest", () -> IngestJob.run(conf, IngestJob.Input.kafka(true))));
        out.printf("  ingest    %s%n", ingest);
        DedupSummary dedup = DedupSummary.of(runJob("dedup", () -> DedupJob.run(conf, true)));
        out.printf("  dedup     %s%n", dedup);
        ColumnarSettings table = ColumnarSettings.from(conf);
        ColumnarSummary columnar = ColumnarSummary.of(runJob("columnar", () -> ColumnarJob.run(conf, true)), table);
        out.printf("  columnar  %s%n", columnar);

        TopicCount validOut = TopicCount.read(kafka, valid);
        TopicCount dlqOut = TopicCount.read(kafka, dlq);
        TopicCount uniqueOut = TopicCount.read(kafka, unique);
        out.printf("  topics    %s: %s; %s: %s; %s: %s%n", valid, validOut, unique, uniqueOut, dlq, dlqOut);

        TableCount rows;
        try (TableVersions versions = TableVersions.open(table.catalog(), table.table())) {
            rows = TableCount.read(versions, table.version());
        }
        boolean ok = validOut.records() == sent.unique() + sent.duplicates() && validOut.distinctIds() == sent.unique()
                && dlqOut.records() == sent.malformed()
                && uniqueOut.records() == sent.unique() && uniqueOut.distinctIds() == sent.unique()
                && rows.rows() == sent.unique() && rows.distinctIds() == sent.unique()
                && columnar.stats().completePartitions() == columnar.stats().partitions();
        out.printf("  check     every event exactly once in %s and in the table (%d sent with %d duplicates), every "
                + "malformed record in %s, every partition marked complete: %s%n", unique, sent.unique(),
                sent.duplicates(), dlq, ok ? "OK" : "MISMATCH");
        if (!ok) {
            throw new IllegalStateException("demo check failed: sent " + sent + ", found " + valid + ": " + validOut
                    + ", " + unique + ": " + uniqueOut + ", " + dlq + ": " + dlqOut + ", table: " + rows + ", "
                    + columnar.stats());
        }
        String sql = "SELECT date_trunc('hour', event_time) AS hour, count(*) AS events, "
                + "round(sum(amount), 2) AS revenue FROM events GROUP BY ALL ORDER BY ALL";
        try (TableVersions versions = TableVersions.open(table.catalog(), table.table())) {
            out.printf("%nkappa query \"%s\"%n%s", sql,
                    TableQuery.run(versions, table.version(), sql).render(TableQuery.Format.TABLE));
        } catch (SQLException e) {
            throw new IllegalStateException("the demo's query failed: " + e.getMessage(), e);
        }
        Path warehouse = Path.of(java.net.URI.create(table.catalog().warehouse()));
        out.printf("%nThe table stays in %s, its catalog in %s/%s. Query it by name:%n", warehouse, warehouse,
                CatalogSettings.SQLITE_FILE);
        out.printf("  deploy/kappa query --set columnar.warehouse=%s \"SELECT event_type, count(*) FROM events "
                + "GROUP BY ALL\"%n", warehouse);
        out.printf("  deploy/spark-sql --warehouse %s \"SELECT count(*) FROM kappa.lake.events\"%n", warehouse);
    }

    private interface Job {
        JobExecutionResult run() throws Exception;
    }

    private static JobExecutionResult runJob(String name, Job job) {
        try {
            return job.run();
        } catch (Exception e) {
            throw new IllegalStateException(name + " job failed", e);
        }
    }

    /** What a reader of the table finds: rows, and distinct event ids. */
    private record TableCount(long rows, long distinctIds) {

        /** The version's rows as its catalog snapshot lists its files. */
        static TableCount read(TableVersions versions, int version) {
            Set<String> ids = new HashSet<>();
            long[] rows = {0};
            try {
                TableScan.forEachRow(TableScan.partitionsOf(versions.files(version)), row -> {
                    rows[0]++;
                    ids.add(row.eventId());
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the table back: " + e.getMessage(), e);
            }
            return new TableCount(rows[0], ids.size());
        }

        @Override
        public String toString() {
            return rows + " rows, " + distinctIds + " distinct ids";
        }
    }

    /** What a read_committed consumer finds on a topic: records, and distinct keys (event ids). */
    private record TopicCount(long records, long distinctIds) {

        static TopicCount read(KafkaSettings kafka, String topic) {
            Set<String> ids = new HashSet<>();
            long[] records = {0};
            KafkaTopicReader.readAll(kafka, topic, Duration.ofMinutes(2), r -> {
                records[0]++;
                if (r.key() != null) {
                    ids.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            });
            return new TopicCount(records[0], ids.size());
        }

        @Override
        public String toString() {
            return records + " records, " + distinctIds + " distinct keys";
        }
    }

    private static void stop(LocalKafkaBroker broker, Path workDir) {
        broker.close();
        try (Stream<Path> paths = Files.walk(workDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("kappa demo: could not remove " + workDir + ": " + e.getMessage());
        }
    }
}
