package dev.kappa.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KappaConfigTest {

    private static final ConfigOption<String> PASSWORD = ConfigOption.key("test.password").stringType().noDefault()
            .withDescription("a secret").asSecret();

    private static final List<ConfigOption<?>> OPTIONS = new java.util.ArrayList<>(CommonOptions.all());

    static {
        OPTIONS.add(PASSWORD);
    }

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("kappa.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void readsNestedYamlThenOverridesThenDefaults() throws IOException {
        Path file = yaml("kafka:\n  bootstrap-servers: k1:9092\ncheckpoint:\n  interval: 30s\n");

        KappaConfig config = KappaConfig.load(file, List.of("checkpoint.interval=2s"), OPTIONS, Map.of());

        assertThat(config.get(CommonOptions.BOOTSTRAP_SERVERS)).isEqualTo("k1:9092");
        assertThat(config.get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.get(CommonOptions.TOPIC_RAW)).isEqualTo("events.raw");
        assertThat(config.originOf(CommonOptions.BOOTSTRAP_SERVERS)).isEqualTo(file.toString());
        assertThat(config.originOf(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo("--set");
    }

    @Test
    void withAddsOverridesThatWinAndAreCheckedLikeSet() throws IOException {
        Path file = yaml("job:\n  name: live\nflink:\n  a.b: x\n");
        KappaConfig config = KappaConfig.load(file, List.of("checkpoint.interval=2s"), OPTIONS, Map.of());

        KappaConfig derived = config.with("job.name=replay", "flink.c.d=y");

        assertThat(derived.get(CommonOptions.JOB_NAME)).isEqualTo("replay");
        assertThat(derived.get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
        assertThat(derived.get(CommonOptions.FLINK)).containsEntry("a.b", "x").containsEntry("c.d", "y");
        assertThat(config.get(CommonOptions.JOB_NAME)).isEqualTo("live");
        assertThatThrownBy(() -> config.with("job.nmae=x")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("job.nmae");
    }

    @Test
    void typedWithSetsTheValueItIsGiven() {
        KappaConfig config = KappaConfig.load(null, List.of(), CommonOptions.all());
        KappaConfig derived = config.with(CommonOptions.JOB_NAME, "replay-v2")
                .with(CommonOptions.CHECKPOINT_INTERVAL, Duration.ofSeconds(90))
                .with(CommonOptions.PARALLELISM, 3);
        assertThat(derived.get(CommonOptions.JOB_NAME)).isEqualTo("replay-v2");
        assertThat(derived.get(CommonOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(90));
        assertThat(derived.get(CommonOptions.PARALLELISM)).isEqualTo(3);
        assertThatThrownBy(() -> config.with(CommonOptions.FLINK, Map.of("a", "b")))
                .hasMessageContaining("is a map");
    }

    @Test
    void unknownKeyFailsNamingKeyFileAndSuggestion() throws IOException {
        Path file = yaml("checkpoint:\n  intervall: 30s\n");

        assertThatThrownBy(() -> KappaConfig.load(file, List.of(), OPTIONS, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": unknown key 'checkpoint.intervall' (did you mean 'checkpoint.interval'?)");
    }

    @Test
    void mistypedValueFailsNamingKeyAndExpectation() throws IOException {
        Path file = yaml("state:\n  backend: memory\n");

        assertThatThrownBy(() -> KappaConfig.load(file, List.of(), OPTIONS, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": invalid value 'memory' for 'state.backend': expected one of hashmap|rocksdb");
        assertThatThrownBy(() -> KappaConfig.load(null, List.of("checkpoint.interval=often"), OPTIONS, Map.of()))
                .hasMessageStartingWith("--set: invalid value 'often' for 'checkpoint.interval'");
    }

    @Test
    void resolvesEnvironmentReferencesAndNeverPrintsSecrets() throws IOException {
        Path file = yaml("test:\n  password: ${env:TEST_PW}\nkafka:\n  properties:\n"
                + "    sasl.jaas.config: ${env:TEST_JAAS}\n    security.protocol: SASL_SSL\n");

        KappaConfig config = KappaConfig.load(file, List.of(), OPTIONS,
                Map.of("TEST_PW", "hunter2-hunter2", "TEST_JAAS", "jaas-secret"));

        assertThat(config.get(PASSWORD)).isEqualTo("hunter2-hunter2");
        assertThat(config.get(CommonOptions.KAFKA_PROPERTIES))
                .containsEntry("sasl.jaas.config", "jaas-secret").containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.describe()).doesNotContain("hunter2").doesNotContain("jaas-secret").contains("SASL_SSL");
    }

    /**
     * A secret under a key Flink or a file system defines (an Azure account key, an S3 secret) is
     * masked by its key; one that also appears under a harmless key (a password inside a JDBC URL or
     * a JAAS line) is masked wherever it appears.
     */
    @Test
    void secretsAreMaskedByKeyAndByValue() throws IOException {
        Path file = yaml("flink:\n  fs.azure.account.key.acct.blob.core.windows.net: azure-account-key-1\n"
                + "  s3.secret-key: ${env:S3_SECRET}\nkafka:\n  properties:\n"
                + "    sasl.jaas.config: 'ScramLoginModule required username=\"kappa\" password=\"scram-pass-77\";'\n"
                + "    ssl.truststore.location: /etc/kappa/truststore.jks\n"
                + "    client.id: scram-pass-77-client\n");

        KappaConfig config = KappaConfig.load(file, List.of(), OPTIONS, Map.of("S3_SECRET", "s3-secret-value-9"));

        assertThat(config.describe()).doesNotContain("azure-account-key-1", "s3-secret-value-9", "scram-pass-77")
                .contains("/etc/kappa/truststore.jks", "******-client");
        assertThat(SecretValues.mask("connect failed: jdbc:postgresql://db/kappa?password=scram-pass-77"))
                .isEqualTo("connect failed: jdbc:postgresql://db/kappa?password=******");
    }

    @Test
    void missingEnvironmentVariableFailsNamingIt() throws IOException {
        Path file = yaml("test:\n  password: ${env:NOT_SET_ANYWHERE}\n");

        assertThatThrownBy(() -> KappaConfig.load(file, List.of(), OPTIONS, Map.of()))
                .hasMessage(file + ": 'test.password' refers to environment variable NOT_SET_ANYWHERE, which is not set");
        assertThat(KappaConfig.load(yaml("test:\n  password: ${env:NOT_SET_ANYWHERE:-fallback}\n"), List.of(), OPTIONS,
                Map.of()).get(PASSWORD)).isEqualTo("fallback");
    }

    @Test
    void missingFileAndBrokenYamlAreClearErrors() throws IOException {
        assertThatThrownBy(() -> KappaConfig.load(dir.resolve("nope.yaml"), List.of(), OPTIONS, Map.of()))
                .hasMessageEndingWith("nope.yaml: config file not found");
        assertThatThrownBy(() -> KappaConfig.load(yaml("a: [1, 2\n"), List.of(), OPTIONS, Map.of()))
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void flinkKeysPassThrough() {
        KappaConfig config = KappaConfig.load(null, List.of("flink.restart-strategy.type=none"), OPTIONS, Map.of());
        assertThat(config.get(CommonOptions.FLINK)).containsExactly(Map.entry("restart-strategy.type", "none"));
    }
}
