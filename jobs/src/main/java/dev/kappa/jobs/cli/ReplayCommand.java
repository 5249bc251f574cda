package dev.kappa.jobs.cli;


import dev.kappa.jobs.replay.ReplayJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Rebuilds a table from the retained log into a new version. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Rebuild a table from the retained log (replay.source, default topics.valid) into a new "
                + "version v<N+1> beside the published one, with the live jobs' own dedup and columnar code.",
                "Reads from --from up to the end offsets seen when it starts, under its own job name (consumer "
                + "group, transactional ids) and checkpoint directory, printing progress. When done it marks the "
                + "partitions, audits the version against the log and records it as ready; --publish then "
                + "switches readers to it. A stopped or failed replay never touches the published version; "
                + "--resume continues it from its last checkpoint.",
                "With --follow it reads on past that end without stopping, printing its lag. Once caught up "
                + "(replay.switch-lag) it audits what it has written, publishes it, stops the previously "
                + "published version's job with a savepoint and goes on as the table's writer."})
final class ReplayCommand implements Runnable {

    @Mixin
    TableMixin table;

    @Option(names = "--from", paramLabel = "earliest|TIME", defaultValue = "earliest",
            description = "Rebuild from the earliest retained record (default) or from the first record written to "
                    + "the log at or after a time, e.g. 2026-11-01T00:00:00Z.")
    String from;

    @Option(names = "--publish", description = "Publish the version once it is built and its audit passed.")
    boolean publish;

    @Option(names = "--follow",
            description = "Follow the log past its current end and take the table over once caught up (the kappa "
                    + "switch-over); the replay's job then stays the table's writer.")
    boolean follow;

    @Option(names = "--resume",
            description = "Continue the newest replay left building, from its last retained checkpoint (or from "
                    + "--set flink.execution.state-recovery.path=<savepoint>), over the range it recorded.")
    boolean resume;

    @Override
    public void run() {
        ReplayJob.Request request = new ReplayJob.Request(IsoInstant.orEarliest("--from", from), resume, publish,
                follow);
        ReplayJob.Outcome outcome;
        try {
            outcome = ReplayJob.run(table.load(), request, System.out);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("replay failed", e);
        }
        if (follow) {
            System.out.printf("replay %s: %s is %s%n", outcome.result() == null ? "runs on" : "ended",
                    outcome.version().name(), outcome.version().state().label());
            return;
        }
        double seconds = outcome.result().getNetRuntime() / 1000.0;
        System.out.printf("replay finished: %s %s, %,d rows, %s; the job read %,d log records in %.1f s "
                + "(%,.0f records/s)%n", outcome.audit().table(), outcome.version().name(), outcome.version().rows(),
                outcome.version().state().label(), outcome.audit().logRecords(), seconds,
                outcome.audit().logRecords() / Math.max(seconds, 0.001));
    }
}
