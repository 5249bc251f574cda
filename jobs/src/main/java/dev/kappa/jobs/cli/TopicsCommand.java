package dev.kappa.jobs.cli;

import java.util.List;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Creates the suite's topics; the broker's auto-creation should be off in production. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Manage the suite's Kafka topics.",
        subcommands = TopicsCommand.Create.class)
final class TopicsCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.err);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create topics.raw, topics.valid, topics.dlq and topics.unique where missing, with "
                    + "topics.partitions partitions and topics.replication-factor replicas.")
    static final class Create implements Runnable {

        @Mixin
        ConfigMixin config;

        @Override
        public void run() {
            KappaConfig conf = config.load();
            List<String> topics = suiteTopics(conf);
            try (KafkaAdmin admin = new KafkaAdmin(KafkaSettings.from(conf))) {
                admin.createTopicsIfMissing(topics, conf.get(CommonOptions.TOPIC_PARTITIONS),
                        conf.get(CommonOptions.TOPIC_REPLICATION));
            }
            System.out.println("topics ready: " + String.join(", ", topics));
        }
    }

    static List<String> suiteTopics(KappaConfig conf) {
        return List.of(conf.get(CommonOptions.TOPIC_RAW), conf.get(CommonOptions.TOPIC_VALID),
                conf.get(CommonOptions.TOPIC_DLQ), conf.get(CommonOptions.TOPIC_UNIQUE));
    }
}
