package dev.kappa.jobs.cli;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.jobs.ops.FlinkRest;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** One screen for an operator: what runs on the cluster, how far behind it is, what readers see. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Each job on the Flink cluster with its state, last checkpoint age and restarts; each job's "
                + "consumer lag per topic (offsets past the ones its group committed at its last checkpoint; "
                + "transaction commit markers count too); "
                + "the table's versions (* = published).",
                "Exits 1 if the cluster cannot be reached (after printing the rest)."})
final class StatusCommand implements Runnable {

    @Mixin
    TableMixin table;

    @Option(names = "--flink", paramLabel = "URL", defaultValue = "http://127.0.0.1:8081",
            description = "REST address of the Flink JobManager (default ${DEFAULT-VALUE}).")
    String flink;

    @Override
    public void run() {
        KappaConfig config = table.load();
        Instant now = Instant.now();
        List<FlinkRest.Job> jobs = List.of();
        String unreachable = null;
        try {
            FlinkRest rest = new FlinkRest(flink);
            FlinkRest.Cluster cluster = rest.cluster();
            jobs = rest.jobs();
            System.out.printf("Flink %s at %s: %d TaskManager(s), %d slots, %d free%n", cluster.flinkVersion(), flink,
                    cluster.taskManagers(), cluster.slotsTotal(), cluster.slotsAvailable());
        } catch (IOException e) {
            unreachable = "Flink at " + flink + " cannot be reached: " + e.getMessage();
            System.out.println(unreachable);
        }
        if (!jobs.isEmpty()) {
            System.out.printf("%-28s %-11s %-9s %-22s %-8s %s%n", "JOB", "STATE", "UPTIME", "LAST CHECKPOINT",
                    "RESTARTS", "JOB ID");
            for (FlinkRest.Job job : jobs) {
                String checkpoint = job.lastCheckpoint()
                        .map(c -> "#" + c.id() + ", " + age(Duration.between(c.completed(), now)) + " ago")
                        .orElse("-");
                System.out.printf("%-28s %-11s %-9s %-22s %-8d %s%n", job.name(), job.state(), age(job.duration()),
                        checkpoint, job.restarts(), job.id());
            }
        }
        printLag(config, jobs);
        try (TableVersions versions = TableMixin.versions(config)) {
            System.out.println("table " + versions.catalog().name() + "." + versions.catalog().identifier(versions.table())
                    + " at " + versions.catalog().tableLocation(versions.table()) + ":");
            TableCommand.printVersions(versions, System.out);
        }
        if (unreachable != null) {
            throw new IllegalStateException(unreachable);
        }
    }

    /** The jobs' consumer groups are their job names (KafkaConnectors), so lag is found by name. */
    private static void printLag(KappaConfig config, List<FlinkRest.Job> jobs) {
        Set<String> groups = new LinkedHashSet<>();
        jobs.forEach(job -> groups.add(job.name()));
        if (groups.isEmpty()) {
            return;
        }
        System.out.println("consumer lag, in offsets past the last committed ones (commit markers count too):");
        try (KafkaAdmin admin = new KafkaAdmin(KafkaSettings.from(config))) {
            for (String group : groups) {
                Map<String, Long> lag = admin.lag(group);
                if (lag.isEmpty()) {
                    System.out.printf("  %-28s (no offsets committed yet)%n", group);
                }
                lag.forEach((topic, records) -> System.out.printf("  %-28s %-20s %,d%n", group, topic, records));
            }
        }
    }

    private static String age(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return String.format("%.1f s", duration.toMillis() / 1000.0);
        }
        if (seconds < 3600) {
            return String.format("%dm%02ds", seconds / 60, seconds % 60);
        }
        return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
}
