package dev.kappa.jobs.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.generate.EventSender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sends deterministic synthetic events, with duplicates, malformed and late ones, to a topic. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Send deterministic synthetic events to topics.raw (or --topic): unique events, resends "
                + "(duplicates), malformed records and late events, in the ratios given.")
final class GenerateCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--count", defaultValue = "100000", description = "Records to send (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "0",
            description = "Records per second; 0 sends as fast as the broker takes them (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--duplicates", defaultValue = "0.1",
            description = "Fraction of records that resend an earlier event; mostly recent ones, a fifth from "
                    + "anywhere earlier (default ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--malformed", defaultValue = "0.02",
            description = "Fraction of broken records, of every kind ingest rejects (default ${DEFAULT-VALUE}).")
    double malformed;

    @Option(names = "--late", defaultValue = "0.05",
            description = "Fraction of events whose time lies 10 min to 3 h before their neighbours' "
                    + "(default ${DEFAULT-VALUE}).")
    double late;

    @Option(names = "--seed", defaultValue = "42", description = "Same seed, same bytes (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", defaultValue = "2026-01-01T00:00:00Z",
            description = "Event time of the first event (default ${DEFAULT-VALUE}).")
    Instant start;

    @Option(names = "--span", defaultValue = "PT6H",
            description = "Event time covered by all events, ISO-8601 duration (default ${DEFAULT-VALUE}).")
    Duration span;

    @Option(names = "--topic", description = "Target topic (default: topics.raw from the config).")
    String topic;

    @Override
    public void run() {
        KappaConfig conf = config.load();
        String target = topic != null ? topic : conf.get(CommonOptions.TOPIC_RAW);
        KafkaSettings kafka = KafkaSettings.from(conf);
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(target), conf.get(CommonOptions.TOPIC_PARTITIONS),
                    conf.get(CommonOptions.TOPIC_REPLICATION));
        }
        EventGenerator.Spec spec = new EventGenerator.Spec(count, duplicates, malformed, late, seed, start, span);
        EventSender.Counts counts = EventSender.send(kafka, target, spec, rate, System.err);
        System.out.println("generated " + counts + " to " + target);
    }
}
