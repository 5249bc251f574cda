package dev.kappa.common.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;

/** How to reach Kafka, shipped inside sources and sinks to the task managers. */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties,
        Duration transactionTimeout) implements Serializable {

    public static KafkaSettings from(KappaConfig config) {
        return new KafkaSettings(config.get(CommonOptions.BOOTSTRAP_SERVERS),
                Map.copyOf(config.get(CommonOptions.KAFKA_PROPERTIES)), config.get(CommonOptions.TRANSACTION_TIMEOUT));
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), CommonOptions.TRANSACTION_TIMEOUT.defaultValue());
    }

    /** Properties for a plain Kafka client (admin, producer, consumer) outside Flink. */
    public Properties toProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
