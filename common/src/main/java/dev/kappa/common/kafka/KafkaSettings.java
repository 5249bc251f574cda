package dev.kappa.common.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;

/** How to reach Kafka, shipped inside sources and sinks to the task managers. */
public record KafkaSettings(String bootstrapServers, Map<String, String> clientProperties,
        Duration transactionTimeout) implements Serializable {

    private static final Pattern JAAS_USER = Pattern.compile("username=\"([^\"]*)\"");

    public static KafkaSettings from(KappaConfig config) {
        return new KafkaSettings(config.get(CommonOptions.BOOTSTRAP_SERVERS),
                Map.copyOf(config.get(CommonOptions.KAFKA_PROPERTIES)), config.get(CommonOptions.TRANSACTION_TIMEOUT));
    }

    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, Map.of(), CommonOptions.TRANSACTION_TIMEOUT.defaultValue());
    }

    /** Who the broker will take this client for, as its ACLs name it: {@code User:<name>} for SASL logins. */
    public String principal() {
        Matcher user = JAAS_USER.matcher(clientProperties.getOrDefault(SaslConfigs.SASL_JAAS_CONFIG, ""));
        if (user.find()) {
            return "principal User:" + user.group(1);
        }
        return protocol().contains("SSL") ? "the principal of the client certificate (ssl.keystore.location)"
                : "principal User:ANONYMOUS";
    }

    /** The listener this client connects to, as the broker's operator knows it. */
    public String listener() {
        String mechanism = clientProperties.get(SaslConfigs.SASL_MECHANISM);
        return "the " + protocol() + " listener at " + bootstrapServers
                + (protocol().startsWith("SASL") ? " (" + (mechanism == null ? "GSSAPI" : mechanism) + ")" : "");
    }

    private String protocol() {
        return clientProperties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    }

    /** Properties for a plain Kafka client (admin, producer, consumer) outside Flink. */
    public Properties toProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
