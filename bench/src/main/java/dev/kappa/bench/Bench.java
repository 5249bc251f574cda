package dev.kappa.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.RetainedCheckpoints;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.columnar.ColumnarSummary;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.generate.EventSender;
import dev.kappa.jobs.ingest.IngestJob;
import dev.kappa.jobs.replay.ReplayJob;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark: starts a broker, loads one generated dataset into the raw topic, then measures in
 * each of several rounds every figure next to its baseline (Kafka's perf tools, a plain Parquet
 * writer, the same stages in Flink SQL), and writes the medians as markdown, CSV and a chart.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the jobs against the raw Kafka and Parquet limits and against Flink SQL, on a "
                + "broker this command starts. Prints the table and writes results.md, results.csv and "
                + "results.png to --out.")
public final class Bench implements Callable<Integer> {

    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(20);

    @Option(names = "--events", defaultValue = "1000000",
            description = "Records in the dataset (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--runs", defaultValue = "3",
            description = "Rounds; each figure is the median (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-runs", defaultValue = "1",
            description = "Rounds run first and not counted, so that the in-process jobs and their baselines are "
                    + "all measured with a warm JIT (default ${DEFAULT-VALUE}).")
    int warmupRuns;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--parallelism", defaultValue = "2",
            description = "Parallelism of every job (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--checkpoint-interval", defaultValue = "5s",
            description = "Checkpoint interval of every job, as in conf/local.yaml (default ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--latency-rate", split = ",", defaultValue = "5000,half",
            description = "Events/s sent while latency is measured, one measurement per rate; 'half' is half the "
                    + "rate at which the pipeline caught up with the dataset in the same round, its maximum "
                    + "sustainable rate as measured here (default ${DEFAULT-VALUE}).")
    List<String> latencyRates;

    @Option(names = "--latency-seconds", defaultValue = "30",
            description = "How long latency is measured (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--out", defaultValue = "bench/results",
            description = "Where results go (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work-dir",
            description = "Broker data, checkpoints and tables (default: a new temp dir, removed).")
    Path workDir;

    private final PrintStream log = System.out;
    private final Map<String, List<Double>> samples = new HashMap<>();
    private final List<Integer> latencyRatesMeasured = new ArrayList<>();
    private boolean warmingUp;
    private KappaConfig base;
    private KafkaSettings kafka;
    private EventSender.Counts sent;
    private Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // checked before the rounds: the rates are used only in the last one, many minutes in
        for (String rate : latencyRates) {
            if (!rate.equals("half") && !rate.matches("[1-9][0-9]{0,8}")) {
                throw new IllegalArgumentException("--latency-rate takes events/s or 'half', not '" + rate + "'");
            }
        }
        work = workDir != null ? workDir : Files.createTempDirectory("kappa-bench-");
        log.printf("bench: %,d events, %d runs after %d warm-up round(s), parallelism %d, checkpoints every %s; "
                + "work dir %s%n", events, runs, warmupRuns, parallelism, checkpointInterval, work);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(work.resolve("kafka"))) {
            configure(broker.bootstrapServers());
            String raw = base.get(CommonOptions.TOPIC_RAW);
            createTopics(raw, base.get(CommonOptions.TOPIC_DLQ));
            EventGenerator.Spec spec = new EventGenerator.Spec(events, 0.10, 0.01, 0.05, seed,
                    Instant.parse("2026-01-01T00:00:00Z"), Duration.ofHours(24));
            sent = EventSender.send(kafka, raw, spec, 0, log);
            log.printf("bench: loaded %s into %s%n", sent, raw);
            Path payloads = writePayloads(spec, work);
            PlainParquet plain = null;
            for (int run = 1; run <= warmupRuns + runs; run++) {
                warmingUp = run <= warmupRuns;
                log.printf("%nbench: %s%n", warmingUp ? "warm-up round (not counted)"
                        : "run " + (run - warmupRuns) + " of " + runs);
                round(run, raw, payloads);
                if (plain == null) {
                    plain = new PlainParquet(kafka, unique(1));
                }
                record("plain parquet writer", plain.write(ColumnarSettings.from(base),
                        work.resolve("plain-" + run + ".parquet")));
            }
            measureState();
            Report report = new Report("kappa bench", comparisons());
            log.printf("%n%s%n", report.markdown());
            report.write(out, preamble());
            log.printf("bench: results in %s%n", out.toAbsolutePath());
        } finally {
            if (workDir == null) {
                FileUtils.deleteDirectory(work.toFile());
            }
        }
        return 0;
    }

    private void configure(String bootstrap) {
        List<String> overrides = List.of(
                CommonOptions.BOOTSTRAP_SERVERS.key() + "=" + bootstrap,
                "job.parallelism=" + parallelism,
                "checkpoint.interval=" + checkpointInterval,
                "checkpoint.dir=" + work.resolve("checkpoints").toUri(),
                "ingest.start=earliest",
                "dedup.start=earliest",
                "columnar.start=earliest",
                "columnar.warehouse=" + work.resolve("warehouse").toUri(),
                "columnar.fields.user_id=string",
                "columnar.fields.amount=double");
        base = KappaConfig.load(null, overrides, AllOptions.list());
        kafka = KafkaSettings.from(base);
    }

    /** One round: every throughput figure once, ours next to its baseline. */
    private void round(int run, String raw, Path payloads) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        createTopics("perf-" + run);
        record("kafka produce", KafkaTools.produce(bootstrap, "perf-" + run, events, payloads, KafkaTools.RAW_PRODUCER,
                logFile("produce-" + run)));
        record("kafka consume", KafkaTools.consume(bootstrap, raw, events, "perf-consume-" + run,
                logFile("consume-" + run)));

        createTopics(valid(run), unique(run));
        KappaConfig ingest = base.with("topics.valid=" + valid(run), "job.name=bench-ingest-" + run);
        JobExecutionResult ingestResult = timed("ingest", () -> IngestJob.run(ingest, IngestJob.Input.kafka(true)));
        record("ingest job", rate(events, ingestResult));

        long validCount = sent.unique() + sent.duplicates();
        KappaConfig dedup = base.with("topics.valid=" + valid(1), "topics.unique=" + unique(run),
                "job.name=bench-dedup-" + run);
        JobExecutionResult dedupResult = timed("dedup", () -> DedupJob.run(dedup, true));
        record("dedup job", rate(validCount, dedupResult));
        createTopics("copy-" + run);
        record("kafka exactly-once copy", KafkaCopy.copy(kafka, valid(1), "copy-" + run, parallelism,
                base.get(CommonOptions.CHECKPOINT_INTERVAL), "bench-copy-" + run));
        SqlBaseline sql = new SqlBaseline(base);
        createTopics("sql-unique-" + run);
        record("flink sql dedup", rate(validCount, timed("flink sql dedup",
                () -> await(sql.dedup(valid(1), "sql-unique-" + run, "bench-sql-dedup-" + run, true)))));

        KappaConfig columnar = base.with("topics.unique=" + unique(1), "columnar.table=columnar-" + run,
                "job.name=bench-columnar-" + run);
        JobExecutionResult columnarResult = timed("columnar", () -> ColumnarJob.run(columnar, true));
        record("columnar job", rate(sent.unique(), columnarResult));
        ColumnarSummary.TableStats table = ColumnarSummary.of(columnarResult, ColumnarSettings.from(columnar)).stats();
        record("columnar bytes/row", (double) table.bytes() / table.rows());
        double dedupAndColumnar = (dedupResult.getNetRuntime() + columnarResult.getNetRuntime()) / 1e3;
        record("live dedup + columnar", validCount / dedupAndColumnar);
        record("stages one after another",
                events / (ingestResult.getNetRuntime() / 1e3 + dedupAndColumnar));
        Path sqlTable = work.resolve("warehouse/sql-" + run);
        record("flink sql parquet", rate(sent.unique(), timed("flink sql parquet",
                () -> await(sql.columnar(unique(1), sqlTable.toUri().toString(), "bench-sql-columnar-" + run)))));
        record("flink sql bytes/row", (double) bytes(sqlTable, name -> name.startsWith("part-")) / sent.unique());

        KappaConfig replay = base.with("replay.source=" + valid(1), "columnar.table=replay");
        record("replay", rate(validCount, timed("replay",
                () -> ReplayJob.run(replay, new ReplayJob.Request(null, false, false, false), log).result())));

        pipeline(run, run == warmupRuns + runs);
    }

    /**
     * The three jobs running at once, unbounded, on the raw topic, each on its own MiniCluster as
     * {@code deploy/kappa} runs them; timed until the columnar job has consumed and checkpointed the
     * last unique event. In the last round the pipeline then takes a fixed rate to measure latency.
     */
    private void pipeline(int run, boolean measureLatency) throws Exception {
        String tag = "pipe-" + run;
        String unique = tag + ".unique";
        createTopics(tag + ".valid", unique);
        KappaConfig config = base.with("topics.valid=" + tag + ".valid", "topics.unique=" + unique,
                "columnar.table=" + tag);
        String columnarGroup = tag + "-columnar";
        long started = System.nanoTime();
        List<JobClient> jobs = new ArrayList<>();
        try (TopicWatcher watcher = new TopicWatcher(kafka, unique);
                KafkaAdmin admin = new KafkaAdmin(kafka)) {
            jobs.add(submit(config, tag + "-ingest", (env, c, name) ->
                    IngestJob.defineToKafka(IngestJob.kafkaSource(env, c, name, false), c, name)));
            jobs.add(submitDedup(config, tag + "-dedup"));
            ColumnarSettings columnar;
            try (TableVersions versions = TableVersions.open(ColumnarSettings.from(config).catalog(), tag)) {
                columnar = ColumnarJob.registerVersion(versions, ColumnarSettings.from(config), columnarGroup, unique);
            }
            jobs.add(submit(config, columnarGroup, (env, c, name) ->
                    ColumnarJob.define(ColumnarJob.kafkaSource(env, c, name, false), columnar)));
            awaitCondition("the pipeline's " + unique + " to hold every unique event", jobs, watcher,
                    () -> watcher.records() >= sent.unique());
            Map<Integer, Long> target = watcher.nextOffsets();
            awaitCondition("the columnar job to commit the last offsets of " + unique, jobs, watcher,
                    () -> reached(admin.committedOffsets(columnarGroup, unique), target));
            double seconds = (System.nanoTime() - started) / 1e9;
            record("pipeline", events / seconds);
            log.printf("  pipeline  %,d raw records through ingest, dedup and columnar in %.1f s%n", events, seconds);
            if (measureLatency) {
                for (String rate : latencyRates) {
                    latency(watcher, jobs, rate.equals("half") ? (int) Math.round(events / seconds / 2)
                            : Integer.parseInt(rate));
                }
            }
        } finally {
            for (JobClient job : jobs) {
                job.cancel().get();
            }
        }
    }

    private interface Wiring {
        void define(StreamExecutionEnvironment env, KappaConfig config, String jobName);
    }

    /** Submits a job built by {@code wiring} under {@code jobName} (also its consumer group), unbounded. */
    private static JobClient submit(KappaConfig config, String jobName, Wiring wiring) throws Exception {
        KappaConfig named = config.with("job.name=" + jobName,
                "checkpoint.dir=" + config.get(CommonOptions.CHECKPOINT_DIR) + "/" + jobName);
        StreamExecutionEnvironment env = FlinkEnvironments.create(named);
        wiring.define(env, named, jobName);
        return env.executeAsync(jobName);
    }

    /** Submits the dedup job under {@code jobName} (also its consumer group), unbounded. */
    static JobClient submitDedup(KappaConfig config, String jobName) throws Exception {
        return submit(config, jobName, Bench::dedupToKafka);
    }

    /**
     * Waits until the unbounded job {@code client} has read {@code topic} to its end: its {@code group}
     * commits offsets on checkpoints, so a checkpoint after the last record has completed.
     */
    static void awaitReadToEnd(KafkaSettings kafka, JobClient client, String group, String topic) throws Exception {
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            Map<Integer, Long> end = admin.offsets(topic, OffsetSpec.latest());
            long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
            while (!reached(admin.committedOffsets(group, topic), end)) {
                if (System.nanoTime() > deadline || client.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException(group + " did not read " + topic + " to its end");
                }
                Thread.sleep(500);
            }
        }
    }

    private static void dedupToKafka(StreamExecutionEnvironment env, KappaConfig config, String jobName) {
        DedupJob.defineToKafka(DedupJob.kafkaSource(env, config, jobName, false), config, jobName);
    }

    /** Fixed-rate traffic into the running pipeline; each event's delay until visible in events.unique. */
    private void latency(TopicWatcher watcher, List<JobClient> jobs, int rate) throws Exception {
        long count = (long) rate * latencySeconds;
        // a seed per rate: ids sent at an earlier rate would be dropped as duplicates and never arrive
        EventGenerator generator = new EventGenerator(new EventGenerator.Spec(count, 0.10, 0, 0,
                seed + 1 + latencyRatesMeasured.size(), Instant.now(), Duration.ofSeconds(latencySeconds)));
        long before = watcher.records();
        int earlierProbes = watcher.latencyNanos().size();
        long uniques = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            long started = System.nanoTime();
            for (long i = 0; generator.hasNext(); i++) {
                EventGenerator.Generated event = generator.next();
                EventSender.pace(started, i, rate);
                watcher.sent(event.eventId());
                uniques += event.kind() == EventGenerator.Kind.UNIQUE ? 1 : 0;
                producer.send(new ProducerRecord<>(
                        base.get(CommonOptions.TOPIC_RAW), event.value()));
            }
        }
        long expected = before + uniques;
        awaitCondition("every latency probe in events.unique", jobs, watcher, () -> watcher.records() >= expected);
        List<Long> all = watcher.latencyNanos();
        List<Long> latencies = new ArrayList<>(all.subList(earlierProbes, all.size()));
        latencies.sort(null);
        double p50 = latencies.get(latencies.size() / 2) / 1e6;
        double p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1) / 1e6;
        latencyRatesMeasured.add(rate);
        samples.put("latency p50 at " + rate, List.of(p50));
        samples.put("latency p99 at " + rate, List.of(p99));
        log.printf("  latency   %,d events at %,d/s: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", latencies.size(),
                rate, p50, p99, latencies.get(latencies.size() - 1) / 1e6);
    }

    private Properties producerProperties() {
        Properties props = kafka.toProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return props;
    }

    /**
     * Dedup state per id, ours and Flink SQL's, from the newest checkpoint of each after it has read
     * the whole log (unbounded: a finished job keeps no state), on the same heap state backend.
     */
    private void measureState() throws Exception {
        long ids = sent.unique();
        KappaConfig ours = base.with("topics.valid=" + valid(1), "topics.unique=state-unique");
        createTopics("state-unique", "state-sql-unique");
        record("dedup state bytes/id", stateBytes(submitDedup(ours, "bench-state-dedup"),
                "bench-state-dedup", work.resolve("checkpoints/bench-state-dedup")) / ids);
        SqlBaseline sql = new SqlBaseline(base);
        record("flink sql state bytes/id", stateBytes(sql.dedup(valid(1), "state-sql-unique", "bench-state-sql", false),
                "bench-state-sql", work.resolve("checkpoints/bench-state-sql")) / ids);
    }

    /** The bytes of the newest checkpoint in {@code checkpoints} once {@code group} has read the whole log. */
    private double stateBytes(JobClient client, String group, Path checkpoints) throws Exception {
        try {
            awaitReadToEnd(kafka, client, group, valid(1));
            String newest = RetainedCheckpoints.latest(checkpoints.toUri().toString())
                    .orElseThrow(() -> new IllegalStateException("no checkpoint in " + checkpoints));
            return bytes(Path.of(URI.create(newest)), name -> true);
        } finally {
            client.cancel().get();
        }
    }

    private List<Comparison> comparisons() {
        double interval = base.get(CommonOptions.CHECKPOINT_INTERVAL).toMillis();
        List<Comparison> latencies = new ArrayList<>();
        for (int rate : latencyRatesMeasured) {
            String at = " at " + Report.number(rate) + " ev/s";
            latencies.add(Comparison.atMost("latency p99 to events.unique" + at, "ms", get("latency p99 at " + rate),
                    "checkpoint interval", List.of(interval), 2));
            latencies.add(Comparison.reference("latency p50 to events.unique" + at, "ms",
                    get("latency p50 at " + rate), "checkpoint interval", List.of(interval)));
        }
        List<Comparison> rows = new ArrayList<>(List.of(
                Comparison.atLeast("ingest job", "ev/s", get("ingest job"), "kafka produce", get("kafka produce"), 0.6),
                Comparison.reference("ingest job", "ev/s", get("ingest job"), "kafka consume", get("kafka consume")),
                Comparison.atLeast("dedup job", "ev/s", get("dedup job"), "flink sql dedup", get("flink sql dedup"), 2),
                Comparison.atLeast("dedup job", "ev/s", get("dedup job"), "kafka produce", get("kafka produce"), 0.6),
                Comparison.reference("dedup job", "ev/s", get("dedup job"), "kafka exactly-once copy",
                        get("kafka exactly-once copy")),
                Comparison.reference("kafka exactly-once copy", "ev/s", get("kafka exactly-once copy"),
                        "kafka produce", get("kafka produce")),
                Comparison.atLeast("columnar job", "ev/s", get("columnar job"), "flink sql parquet",
                        get("flink sql parquet"), 1.5),
                Comparison.atLeast("columnar job", "ev/s", get("columnar job"), "plain parquet writer",
                        get("plain parquet writer"), 0.5),
                Comparison.reference("pipeline, 3 jobs at once", "ev/s", get("pipeline"),
                        "stages one after another", get("stages one after another")),
                Comparison.reference("replay (dedup → columnar)", "ev/s", get("replay"), "live dedup + columnar",
                        get("live dedup + columnar")),
                Comparison.reference("dedup state", "bytes/id", get("dedup state bytes/id"), "flink sql dedup state",
                        get("flink sql state bytes/id")),
                Comparison.reference("parquet size", "bytes/row", get("columnar bytes/row"), "flink sql parquet",
                        get("flink sql bytes/row"))));
        rows.addAll(rows.size() - 2, latencies);
        return rows;
    }

    private String preamble() {
        return String.format(Locale.ROOT, "Run on %s with %d cores, %d GiB RAM, Java %s; generated %s, %d runs "
                + "after %d warm-up round(s), parallelism %d, checkpoints every %s, heap state, ZSTD; latency at "
                + "%s events/s for %d s each. Reproduce: `bench/run --events %d --runs %d`.",
                Instant.now().toString().substring(0, 10),
                Runtime.getRuntime().availableProcessors(), Math.round(physicalMemoryGiB()),
                System.getProperty("java.version"), sent, runs, warmupRuns, parallelism, checkpointInterval,
                latencyRatesMeasured.stream().map(Report::number).collect(Collectors.joining(" and ")),
                latencySeconds, events, runs);
    }

    private static double physicalMemoryGiB() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean
                ? bean.getTotalMemorySize() / (double) (1L << 30) : 0;
    }

    private interface Job {
        JobExecutionResult run() throws Exception;
    }

    private JobExecutionResult timed(String what, Job job) throws Exception {
        JobExecutionResult result = job.run();
        log.printf("  %-9s %.1f s%n", what, result.getNetRuntime() / 1e3);
        return result;
    }

    private static JobExecutionResult await(JobClient client) throws Exception {
        return client.getJobExecutionResult().get();
    }

    private static double rate(long records, JobExecutionResult result) {
        return records / (result.getNetRuntime() / 1e3);
    }

    private void record(String figure, double value) {
        if (warmingUp) {
            return;
        }
        samples.computeIfAbsent(figure, k -> new ArrayList<>()).add(value);
    }

    private List<Double> get(String figure) {
        return samples.getOrDefault(figure, List.of());
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void awaitCondition(String what, List<JobClient> jobs, TopicWatcher watcher, Check check)
            throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (!check.done()) {
            for (JobClient job : jobs) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    throw new IllegalStateException("pipeline job " + job.getJobID() + " ended ("
                            + job.getJobStatus().get() + ") while waiting for " + what);
                }
            }
            if (watcher.failure() != null) {
                throw watcher.failure();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static boolean reached(Map<Integer, Long> committed, Map<Integer, Long> target) {
        return target.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    private void createTopics(String... topics) {
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(topics), base.get(CommonOptions.TOPIC_PARTITIONS), 1);
        }
    }

    /** A sample of the dataset's records, one per line, for Kafka's producer tool, in {@code work}. */
    static Path writePayloads(EventGenerator.Spec spec, Path work) throws IOException {
        Path file = work.resolve("payloads.txt");
        EventGenerator generator = new EventGenerator(spec);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10_000 && generator.hasNext(); ) {
            EventGenerator.Generated record = generator.next();
            if (record.kind() != EventGenerator.Kind.MALFORMED) {
                lines.append(new String(record.value(), StandardCharsets.UTF_8)).append('\n');
                i++;
            }
        }
        Files.writeString(file, lines);
        return file;
    }

    private Path logFile(String name) {
        return work.resolve("logs").resolve(name + ".log");
    }

    private static String valid(int run) {
        return "valid-" + run;
    }

    private static String unique(int run) {
        return "unique-" + run;
    }

    /** Bytes of the regular files under {@code dir} whose names {@code counted} accepts. */
    private static long bytes(Path dir, Predicate<String> counted) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && counted.test(f.getFileName().toString()))
                    .mapToLong(Bench::size).sum();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
