package dev.kappa.jobs.cli;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.ingest.DeadLetterRedrive;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Works on the dead-letter topic. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Work on the dead-letter topic (topics.dlq).",
        subcommands = DlqCommand.Redrive.class)
final class DlqCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Send the dead letters ingest parked back to topics.raw with their original bytes (opened "
                    + "with ingest.pii.key if sealed, fetched from their claim-check files), after a fix. Each is "
                    + "first checked as ingest will check it with this configuration: one that would be refused "
                    + "again stays in the DLQ and is counted by reason. Ids already accepted are dropped again by "
                    + "dedup; bulk-file lines keep their file-derived ids. A running ingest job picks them up."})
    static final class Redrive implements Runnable {

        @Mixin
        ConfigMixin config;

        @Option(names = "--reason", paramLabel = "R", description = "Only letters with this reason, e.g. too_large.")
        String reason;

        @Option(names = "--since", paramLabel = "TIME",
                description = "Only letters written at or after this time, e.g. 2026-11-01T00:00:00Z.")
        String since;

        @Override
        public void run() {
            KappaConfig conf = config.load();
            DeadLetterRedrive.Report report = DeadLetterRedrive.run(conf, reason,
                    since == null ? null : IsoInstant.parse("--since", since));
            System.out.printf("redrive: %d dead letters matched in %s; sent %d to %s; refused again %d %s; "
                    + "%d not parked by ingest (left alone)%n", report.read(), conf.get(CommonOptions.TOPIC_DLQ),
                    report.sent(), conf.get(CommonOptions.TOPIC_RAW), report.refused(), report.refusedAgain(),
                    report.notIngests());
        }
    }
}
