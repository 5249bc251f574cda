package dev.kappa.jobs.cli;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.columnar.ColumnarSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the columnar-conversion job on topics.unique. */
@Command(name = "columnar", mixinStandardHelpOptions = true,
        description = {"Write topics.unique into a Parquet table partitioned by event hour, exactly-once: "
                + "<columnar.warehouse>/<columnar.table>/v<columnar.version>/dt=YYYY-MM-DD/hr=HH/*.parquet.",
                "A file is visible only once the checkpoint that wrote it has committed; a partition gets "
                + "_SUCCESS once the watermark has passed its end plus columnar.commit-delay."})
final class ColumnarCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--bounded",
            description = "Stop at the end offsets of topics.unique seen at start (convert a backlog), mark every "
                    + "partition written as complete, then print totals.")
    boolean bounded;

    @Override
    public void run() {
        var loaded = config.load();
        JobExecutionResult result;
        try {
            result = ColumnarJob.run(loaded, bounded);
        } catch (Exception e) {
            throw new IllegalStateException("columnar job failed", e);
        }
        JobReport.print("columnar", result, finished -> ColumnarSummary.of(finished, ColumnarSettings.from(loaded)));
    }
}
