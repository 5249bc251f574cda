package dev.kappa.jobs.cli;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.jobs.ingest.IngestJob;
import dev.kappa.jobs.ingest.IngestSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the ingestion job on topics.raw, or on bulk files. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = {"Parse, validate and normalize raw events into topics.valid; bad records go to topics.dlq "
                + "with reason and source offset.",
                "Reads topics.raw continuously, or bulk newline-delimited JSON files with --files."})
final class IngestCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--files", paramLabel = "PATH", split = ",",
            description = "Read these NDJSON files instead of Kafka: a file, a directory (recursive), a glob in "
                    + "the file name (/dumps/*.json) or a URI (s3://, hdfs://). Lines without event_id get "
                    + "file-<content hash>-<byte offset>, so re-sending a file repeats its ids.")
    List<String> files = new ArrayList<>();

    @Option(names = "--bounded",
            description = "Stop at the end offsets of topics.raw seen at start (drain a backlog), then print totals.")
    boolean bounded;

    @Override
    public void run() {
        IngestJob.Input input = files.isEmpty() ? IngestJob.Input.kafka(bounded) : IngestJob.Input.files(files);
        JobExecutionResult result;
        try {
            result = IngestJob.run(config.load(), input);
        } catch (Exception e) {
            throw new IllegalStateException("ingest job failed", e);
        }
        JobReport.print("ingest", result, IngestSummary::of);
    }
}
