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
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.producer.ProducerConfig;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaConnectors;
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
            for (long size : sizes) {
                bySize.put(size, measure(base, kafka, size, work));
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

    /** One size: load the log, then each figure once per run, ours next to its baselines. */
    private Map<String, List<Double>> measure(KappaConfig base, KafkaSettings kafka, long size, Path work)
            throws Exception {
        String raw = "raw-" + size;
        String valid = "valid-" + size;
        createTopics(kafka, base, raw, valid, base.get(CommonOptions.TOPIC_DLQ));
        EventGenerator.Spec spec = new EventGenerator.Spec(size, 0.10, 0.01, 0.05, seed,
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(24));
        EventSender.Counts sent = EventSender.send(kafka, raw, spec, 0, System.out);
        IngestJob.run(base.with("topics.raw=" + raw, "topics.valid=" + valid, "job.name=scale-ingest-" + size),
                IngestJob.Input.kafka(true));
        long validCount = sent.unique() + sent.duplicates();
        Path payloads = Bench.writePayloads(spec, work);
        Map<String, String> producer = new HashMap<>(KafkaConnectors.SINK_PRODUCER);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        SqlBaseline sql = new SqlBaseline(base);
        Map<String, List<Double>> samples = new HashMap<>();
        for (int run = 1; run <= runs; run++) {
            String tag = size + "-" + run;
            createTopics(kafka, base, "perf-" + tag, "unique-" + tag, "sql-unique-" + tag);
            samples.computeIfAbsent("produce", k -> new ArrayList<>()).add(KafkaTools.produce(kafka.bootstrapServers(),
                    "perf-" + tag, size, payloads, producer, work.resolve("produce-" + tag + ".log")));
            JobExecutionResult dedup = DedupJob.run(base.with("topics.valid=" + valid, "topics.unique=unique-" + tag,
                    "job.name=scale-dedup-" + tag), true);
            samples.computeIfAbsent("dedup", k -> new ArrayList<>()).add(validCount / (dedup.getNetRuntime() / 1e3));
            JobExecutionResult baseline = sql.dedup(valid, "sql-unique-" + tag, "scale-sql-dedup-" + tag, true)
                    .getJobExecutionResult().get();
            samples.computeIfAbsent("sql", k -> new ArrayList<>()).add(validCount / (baseline.getNetRuntime() / 1e3));
            System.out.printf("dedup-scale: %,d events, run %d: dedup %,.0f ev/s, flink sql %,.0f ev/s, produce %,.0f ev/s%n",
                    size, run, last(samples.get("dedup")), last(samples.get("sql")), last(samples.get("produce")));
        }
        return samples;
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static void createTopics(KafkaSettings kafka, KappaConfig base, String... topics) {
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(topics), base.get(CommonOptions.TOPIC_PARTITIONS), 1);
        }
    }
}
