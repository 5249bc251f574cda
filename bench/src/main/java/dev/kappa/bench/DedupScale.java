package dev.kappa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.commons.io.FileUtils;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.generate.EventSender;
import dev.kappa.jobs.ingest.IngestJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Dedup as its state grows: for each log size, the dedup job, the same stage in Flink SQL, Kafka's
 * raw produce rate and an exactly-once copy of the same log with Kafka's clients alone
 * ({@link KafkaCopy}), each run several times in the same round; then dedup's throughput at the
 * largest size against the smallest. Every size gets its own log, loaded through the real ingest
 * job (not timed), so a larger run remembers more ids, not the same ones again.
 */
@Command(name = "dedup-scale", mixinStandardHelpOptions = true,
        description = "Dedup throughput at growing state sizes, against Flink SQL and raw Kafka produce.")
public final class DedupScale implements Callable<Integer> {

    @Option(names = "--events", split = ",", defaultValue = "1000000,3000000,10000000",
            description = "Log sizes, comma-separated (default ${DEFAULT-VALUE}).")
    List<Long> sizes;

    @Option(names = "--runs", defaultValue = "3", description = "Runs per size (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-runs", defaultValue = "1",
            description = "Runs before the first size's, not counted: the JIT compiles while they run "
                    + "(default ${DEFAULT-VALUE}).")
    int warmupRuns;

    @Option(names = "--backend", defaultValue = "hashmap",
            description = "State backend of both dedups: hashmap or rocksdb (default ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "5s",
            description = "Checkpoint interval (default ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--set", description = "A setting for every job, KEY=VALUE as deploy/kappa takes it, e.g. "
            + "flink.state.backend.rocksdb.use-bloom-filter=false; repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "bench/results/dedup-scale",
            description = "Where results go (default ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DedupScale()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("kappa-dedup-scale-");
        System.out.printf("dedup-scale: sizes %s, %d runs each, %s state, parallelism %d, checkpoints every %s%s%n",
                sizes, runs, backend, parallelism, checkpointInterval, setAlso());
        Map<Long, Map<String, List<Double>>> bySize = new LinkedHashMap<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            List<String> settings = new ArrayList<>(List.of(
                    CommonOptions.BOOTSTRAP_SERVERS.key() + "=" + broker.bootstrapServers(),
                    "job.parallelism=" + parallelism, "checkpoint.interval=" + checkpointInterval,
                    "checkpoint.dir=" + work.resolve("checkpoints").toUri(), "state.backend=" + backend,
                    "ingest.start=earliest", "dedup.start=earliest"));
            settings.addAll(CheckpointStats.settings());
            settings.addAll(overrides);
            KappaConfig base = KappaConfig.load(null, settings, AllOptions.list());
            KafkaSettings kafka = KafkaSettings.from(base);
            // every log is loaded before any job runs: sending to a broker that has served the runs of a
            // smaller size stalled for minutes here
            Map<Long, EventSender.Counts> loaded = new LinkedHashMap<>();
            for (long size : sizes) {
                loaded.put(size, load(base, kafka, size));
            }
            for (long size : sizes) {
                bySize.put(size, measure(base, kafka, size, loaded.get(size), work,
                        bySize.isEmpty() ? warmupRuns : 0));
            }
        } finally {
            FileUtils.deleteDirectory(work.toFile());
        }
        List<Comparison> rows = new ArrayList<>();
        for (var entry : bySize.entrySet()) {
            String at = " at " + Report.number(entry.getKey()) + " events";
            Map<String, List<Double>> s = entry.getValue();
            rows.add(Comparison.atLeast("dedup job" + at, "ev/s", s.get("dedup"), "flink sql dedup", s.get("sql"), 2.0));
            rows.add(Comparison.atLeast("dedup job" + at, "ev/s", s.get("dedup"), "kafka produce", s.get("produce"), 0.6));
            rows.add(Comparison.reference("dedup job" + at, "ev/s", s.get("dedup"), "kafka exactly-once copy",
                    s.get("copy")));
            rows.add(Comparison.reference("dedup job" + at, "ev/s", s.get("dedup"), "flink keyed exactly-once copy",
                    s.get("flink copy")));
            rows.add(Comparison.reference("flink keyed exactly-once copy" + at, "ev/s", s.get("flink copy"),
                    "kafka produce", s.get("produce")));
            rows.add(Comparison.reference("kafka exactly-once copy" + at, "ev/s", s.get("copy"), "kafka produce",
                    s.get("produce")));
            rows.add(Comparison.reference("checkpoint, full size per remembered id" + at, "B",
                    s.get("dedup full B/id"), "flink sql dedup", s.get("sql full B/id")));
            // a run shorter than the checkpoint interval has none
            if (s.containsKey("dedup mean MB") && s.containsKey("sql mean MB")) {
                rows.add(Comparison.reference("checkpoint during the run, mean size written" + at, "MB",
                        s.get("dedup mean MB"), "flink sql dedup", s.get("sql mean MB")));
                rows.add(Comparison.reference("longest checkpoint during the run" + at, "ms",
                        s.get("dedup longest ms"), "flink sql dedup", s.get("sql longest ms")));
            }
        }
        List<Long> measured = new ArrayList<>(bySize.keySet());
        if (measured.size() > 1) {
            long smallest = measured.get(0);
            long largest = measured.get(measured.size() - 1);
            rows.add(Comparison.atLeast("dedup job at " + Report.number(largest) + " events", "ev/s",
                    bySize.get(largest).get("dedup"), "dedup job at " + Report.number(smallest) + " events",
                    bySize.get(smallest).get("dedup"), 0.85));
        }
        Report report = new Report("kappa dedup-scale (" + backend + " state)", rows);
        System.out.printf("%n%s%n", report.markdown());
        report.write(out, "Dedup at growing log sizes, " + backend + " state, parallelism " + parallelism
                + ", checkpoints every " + checkpointInterval + setAlso() + "; medians of " + runs + " runs.");
        return 0;
    }

    private String setAlso() {
        return overrides.isEmpty() ? "" : ", " + String.join(", ", overrides);
    }

    private EventGenerator.Spec spec(long size) {
        return new EventGenerator.Spec(size, 0.10, 0.01, 0.05, seed, Instant.parse("2026-01-01T00:00:00Z"),
                Duration.ofHours(24));
    }

    /** Sends {@code size} raw events and ingests them into valid-{@code size}; returns what was sent. */
    private EventSender.Counts load(KappaConfig base, KafkaSettings kafka, long size) throws Exception {
        String raw = "raw-" + size;
        String valid = "valid-" + size;
        createTopics(kafka, base, raw, valid, base.get(CommonOptions.TOPIC_DLQ));
        EventSender.Counts sent = EventSender.send(kafka, raw, spec(size), 0, System.out);
        IngestJob.run(base.with("topics.raw=" + raw, "topics.valid=" + valid, "job.name=scale-ingest-" + size),
                IngestJob.Input.kafka(true));
        return sent;
    }

    /** One size: each figure once per run, ours next to its baselines. */
    private Map<String, List<Double>> measure(KappaConfig base, KafkaSettings kafka, long size,
            EventSender.Counts sent, Path work, int warmups) throws Exception {
        long validCount = sent.unique() + sent.duplicates();
        String valid = "valid-" + size;
        Path payloads = Bench.writePayloads(spec(size), work);
        SqlBaseline sql = new SqlBaseline(base);
        Map<String, List<Double>> samples = new HashMap<>();
        for (int run = 1 - warmups; run <= runs; run++) {
            String tag = size + "-" + (run + warmups);
            List<String> written = List.of("perf-" + tag, "unique-" + tag, "flink-copy-" + tag, "sql-unique-" + tag,
                    "copy-" + tag);
            createTopics(kafka, base, written.toArray(String[]::new));
            Map<String, Double> measured = new LinkedHashMap<>();
            measured.put("dedup", validCount / (DedupJob.run(base.with("topics.valid=" + valid,
                    "topics.unique=unique-" + tag, "job.name=scale-dedup-" + tag), true).getNetRuntime() / 1e3));
            measured.put("flink copy", validCount / (FlinkKeyedCopy.run(base.with("topics.valid=" + valid,
                    "topics.unique=flink-copy-" + tag, "job.name=scale-flink-copy-" + tag)).getNetRuntime() / 1e3));
            measured.put("sql", validCount / (sql.dedup(valid, "sql-unique-" + tag, "scale-sql-dedup-" + tag, true)
                    .getJobExecutionResult().get().getNetRuntime() / 1e3));
            checkpoints("dedup", CheckpointStats.of("scale-dedup-" + tag), measured);
            checkpoints("sql", CheckpointStats.of("scale-sql-dedup-" + tag), measured);
            measured.put("produce", KafkaTools.produce(kafka.bootstrapServers(), "perf-" + tag, size, payloads,
                    KafkaTools.RAW_PRODUCER, work.resolve("produce-" + tag + ".log")));
            measured.put("copy", KafkaCopy.copy(kafka, valid, "copy-" + tag, parallelism,
                    base.get(CommonOptions.CHECKPOINT_INTERVAL), "scale-copy-" + tag));
            System.out.printf("dedup-scale: %,d events, %s: %s%n", size, run < 1 ? "warm-up" : "run " + run, measured);
            if (run >= 1) {
                measured.forEach((figure, value) -> samples.computeIfAbsent(figure, k -> new ArrayList<>()).add(value));
            }
            // what a run wrote is not needed again; the broker keeps less on disk and in its caches
            try (Admin admin = Admin.create(kafka.toProperties())) {
                admin.deleteTopics(written).all().get();
            }
        }
        fullSizePerId(base, kafka, size, sent.unique(), samples);
        return samples;
    }

    /** The checkpoints a bounded run completed while it read, if any. */
    private static void checkpoints(String job, CheckpointStats.Figures figures, Map<String, Double> measured) {
        if (figures.seen() > 0) {
            measured.put(job + " mean MB", figures.meanWrittenBytes() / 1e6);
            measured.put(job + " longest ms", (double) figures.longestMillis());
        }
    }

    /**
     * The full checkpoint size of each dedup, per id remembered, once it has read the whole log: a
     * bounded run's last checkpoint is taken part-way through, so each runs once more, unbounded.
     */
    private static void fullSizePerId(KappaConfig base, KafkaSettings kafka, long size, long ids,
            Map<String, List<Double>> samples) throws Exception {
        String valid = "valid-" + size;
        String ours = "scale-state-dedup-" + size;
        String sqlName = "scale-state-sql-dedup-" + size;
        createTopics(kafka, base, "state-unique-" + size, "state-sql-unique-" + size);
        samples.put("dedup full B/id", List.of(fullBytesAtEnd(kafka, Bench.submitDedup(
                base.with("topics.valid=" + valid, "topics.unique=state-unique-" + size), ours), ours, valid) / ids));
        samples.put("sql full B/id", List.of(fullBytesAtEnd(kafka, new SqlBaseline(base).dedup(valid,
                "state-sql-unique-" + size, sqlName, false), sqlName, valid) / ids));
        System.out.printf("dedup-scale: %,d events, full checkpoint per remembered id: dedup %.1f B, sql %.1f B%n",
                size, samples.get("dedup full B/id").get(0), samples.get("sql full B/id").get(0));
    }

    /** The full size of a checkpoint {@code job} completed after it had read {@code topic} to its end. */
    private static double fullBytesAtEnd(KafkaSettings kafka, JobClient client, String job, String topic)
            throws Exception {
        try {
            Bench.awaitReadToEnd(kafka, client, job, topic);
            // the checkpoint that committed the end offsets may not be reported yet; any later one holds as much
            long completed = CheckpointStats.of(job).completed();
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (CheckpointStats.of(job).completed() <= completed) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(job + " completed no checkpoint after reading " + topic);
                }
                Thread.sleep(200);
            }
            return CheckpointStats.of(job).lastFullBytes();
        } finally {
            client.cancel().get();
        }
    }

    private static void createTopics(KafkaSettings kafka, KappaConfig base, String... topics) {
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(topics), base.get(CommonOptions.TOPIC_PARTITIONS), 1);
        }
    }
}
