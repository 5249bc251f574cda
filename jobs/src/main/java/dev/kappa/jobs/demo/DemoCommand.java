package dev.kappa.jobs.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.cli.ConfigMixin;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.dedup.DedupSummary;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.generate.GenerateCommand;
import dev.kappa.jobs.ingest.IngestJob;
import dev.kappa.jobs.ingest.IngestSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole pipeline on this machine with nothing installed: starts a real Kafka broker, generates
 * traffic with duplicates and malformed records, runs every job on a local MiniCluster, checks the
 * outputs against what was sent, prints a summary, and removes everything it started.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the pipeline end to end on embedded defaults: a Kafka broker started by this command "
                + "and a local Flink MiniCluster. Prints what went where and checks it; exits 1 if a check fails.",
                "The broker and its data are removed on exit, Ctrl-C included."})
public final class DemoCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--events", defaultValue = "20000", description = "Records to generate (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        Path workDir;
        try {
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
        KappaConfig conf = config.load(List.of(
                "job.parallelism=2",
                "checkpoint.interval=2s",
                "checkpoint.dir=" + workDir.resolve("checkpoints").toUri(),
                "ingest.start=earliest",
                "dedup.start=earliest",
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
        GenerateCommand.Counts sent = GenerateCommand.send(kafka, raw, spec, 0, out);
        out.printf("  generate  %s -> %s%n", sent, raw);

        IngestSummary ingest = IngestSummary.of(
                runJob("ingest", () -> IngestJob.run(conf, IngestJob.Input.kafka(true))));
        out.printf("  ingest    %s%n", ingest);
        DedupSummary dedup = DedupSummary.of(runJob("dedup", () -> DedupJob.run(conf, true)));
        out.printf("  dedup     %s%n", dedup);

        TopicCount validOut = TopicCount.read(kafka, valid);
        TopicCount dlqOut = TopicCount.read(kafka, dlq);
        TopicCount uniqueOut = TopicCount.read(kafka, unique);
        out.printf("  topics    %s: %s; %s: %s; %s: %s%n", valid, validOut, unique, uniqueOut, dlq, dlqOut);

        boolean ok = validOut.records() == sent.unique() + sent.duplicates() && validOut.distinctIds() == sent.unique()
                && dlqOut.records() == sent.malformed()
                && uniqueOut.records() == sent.unique() && uniqueOut.distinctIds() == sent.unique();
        out.printf("  check     every event exactly once in %s (%d sent with %d duplicates), every malformed "
                + "record in %s: %s%n", unique, sent.unique(), sent.duplicates(), dlq, ok ? "OK" : "MISMATCH");
        if (!ok) {
            throw new IllegalStateException("demo check failed: sent " + sent + ", found " + valid + ": " + validOut
                    + ", " + unique + ": " + uniqueOut + ", " + dlq + ": " + dlqOut);
        }
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
