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
 * Dedup as its state grows: for each log size, the dedup job, the same stage in Flink SQL and
 * Kafka's raw produce rate, each run several times in the same round; then dedup's throughput at the
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
        System.out.printf("dedup-scale: sizes %s, %d runs each, %s state, parallelism %d, checkpoints every %s%n",
                sizes, runs, backend, parallelism, checkpointInterval);
        Map<Long, Map<String, List<Double>>> bySize = new LinkedHashMap<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            KappaConfig base = KappaConfig.load(null, List.of(
                    CommonOptions.BOOTSTRAP_SERVERS.key() + "=" + broker.bootstrapServers(),
                    "job.parallelism=" + parallelism, "checkpoint.interval=" + checkpointInterval,
                    "checkpoint.dir=" + work.resolve("checkpoints").toUri(), "state.backend=" + backend,
                    "ingest.start=earliest", "dedup.start=earliest"), AllOptions.list());
            KafkaSettings kafka = KafkaSettings.from(base);
            // every log is loaded before any job runs: sending to a broker that has served the runs of a
            // smaller size stalled for minutes here
            Map<Long, Long> validCounts = new LinkedHashMap<>();
            for (long size : sizes) {
                validCounts.put(size, load(base, kafka, size));
            }
            for (long size : sizes) {
                bySize.put(size, measure(base, kafka, size, validCounts.get(size), work,
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
                + ", checkpoints every " + checkpointInterval + "; medians of " + runs + " runs.");
        return 0;
    }

    private EventGenerator.Spec spec(long size) {
        return new EventGenerator.Spec(size, 0.10, 0.01, 0.05, seed, Instant.parse("2026-01-01T00:00:00Z"),
                Duration.ofHours(24));
    }

    /** Sends {@code size} raw events and ingests them into valid-{@code size}; returns how many are valid. */
    private long load(KappaConfig base, KafkaSettings kafka, long size) throws Exception {
        String raw = "raw-" + size;
        String valid = "valid-" + size;
        createTopics(kafka, base, raw, valid, base.get(CommonOptions.TOPIC_DLQ));
        EventSender.Counts sent = EventSender.send(kafka, raw, spec(size), 0, System.out);
        IngestJob.run(base.with("topics.raw=" + raw, "topics.valid=" + valid, "job.name=scale-ingest-" + size),
                IngestJob.Input.kafka(true));
        return sent.unique() + sent.duplicates();
    }

    /** One size: each figure once per run, ours next to its baselines. */
    private Map<String, List<Double>> measure(KappaConfig base, KafkaSettings kafka, long size, long validCount,
            Path work, int warmups) throws Exception {
        String valid = "valid-" + size;
        Path payloads = Bench.writePayloads(spec(size), work);
        SqlBaseline sql = new SqlBaseline(base);
        Map<String, List<Double>> samples = new HashMap<>();
        for (int run = 1 - warmups; run <= runs; run++) {
            String tag = size + "-" + (run + warmups);
            createTopics(kafka, base, "perf-" + tag, "unique-" + tag, "sql-unique-" + tag);
            Map<String, Double> measured = new LinkedHashMap<>();
            measured.put("dedup", validCount / (DedupJob.run(base.with("topics.valid=" + valid,
                    "topics.unique=unique-" + tag, "job.name=scale-dedup-" + tag), true).getNetRuntime() / 1e3));
            measured.put("sql", validCount / (sql.dedup(valid, "sql-unique-" + tag, "scale-sql-dedup-" + tag, true)
                    .getJobExecutionResult().get().getNetRuntime() / 1e3));
            measured.put("produce", KafkaTools.produce(kafka.bootstrapServers(), "perf-" + tag, size, payloads,
                    KafkaTools.RAW_PRODUCER, work.resolve("produce-" + tag + ".log")));
            System.out.printf("dedup-scale: %,d events, %s: %s%n", size, run < 1 ? "warm-up" : "run " + run, measured);
            if (run >= 1) {
                measured.forEach((figure, value) -> samples.computeIfAbsent(figure, k -> new ArrayList<>()).add(value));
            }
            // what a run wrote is not needed again; the broker keeps less on disk and in its caches
            try (Admin admin = Admin.create(kafka.toProperties())) {
                admin.deleteTopics(List.of("perf-" + tag, "unique-" + tag, "sql-unique-" + tag)).all().get();
            }
        }
        return samples;
    }

    private static void createTopics(KafkaSettings kafka, KappaConfig base, String... topics) {
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(topics), base.get(CommonOptions.TOPIC_PARTITIONS), 1);
        }
    }
}
