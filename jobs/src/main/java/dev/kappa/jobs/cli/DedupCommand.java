package dev.kappa.jobs.cli;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.dedup.DedupSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the deduplication job on topics.valid. */
@Command(name = "dedup", mixinStandardHelpOptions = true,
        description = {"Drop repeated event_ids from topics.valid and write each event once to topics.unique, "
                + "exactly-once (Kafka transactions: read it with isolation.level=read_committed).",
                "An id is remembered for dedup.retention of event time; older events follow dedup.too-late."})
final class DedupCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--bounded",
            description = "Stop at the end offsets of topics.valid seen at start (drain a backlog), then print totals.")
    boolean bounded;

    @Override
    public void run() {
        JobExecutionResult result;
        try {
            result = DedupJob.run(config.load(), bounded);
        } catch (Exception e) {
            throw new IllegalStateException("dedup job failed", e);
        }
        JobReport.print("dedup", result, DedupSummary::of);
    }
}
