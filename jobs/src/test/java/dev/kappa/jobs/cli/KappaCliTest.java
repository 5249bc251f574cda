package dev.kappa.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CLI through its real argument parser: help, exit codes, one-line reasons. */
class KappaCliTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @TempDir
    Path tmp;

    @Test
    void everyCommandDocumentsItsOptions() {
        assertThat(Kappa.execute("ingest", "--help")).isZero();
        assertThat(console.stdout()).contains("--files", "--bounded", "--conf", "--set");
        assertThat(Kappa.execute("generate", "--help")).isZero();
        assertThat(console.stdout()).contains("--count", "--rate", "--duplicates", "--malformed", "--late", "--seed");
        assertThat(Kappa.execute("demo", "--help")).isZero();
        assertThat(console.stdout()).contains("--events", "--warehouse");
        assertThat(Kappa.execute("dedup", "--help")).isZero();
        assertThat(console.stdout()).contains("--bounded", "dedup.retention", "dedup.too-late");
        assertThat(Kappa.execute("columnar", "--help")).isZero();
        assertThat(console.stdout()).contains("--bounded", "columnar.warehouse", "_SUCCESS");
        assertThat(Kappa.execute("replay", "--help")).isZero();
        assertThat(console.stdout()).contains("--from", "--publish", "--resume", "--table");
        assertThat(Kappa.execute("table", "publish", "--help")).isZero();
        assertThat(console.stdout()).contains("vN", "retired");
        assertThat(Kappa.execute("audit", "--help")).isZero();
        assertThat(console.stdout()).contains("--version", "exits 1");
    }

    @Test
    void replayFromMustBeEarliestOrAnInstant() {
        assertThat(Kappa.execute("replay", "--from", "yesterday", "--set", "kafka.bootstrap-servers=127.0.0.1:1"))
                .isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr().strip()).isEqualTo("kappa replay: --from yesterday: expected earliest or an ISO-8601 "
                + "instant such as 2026-11-01T00:00:00Z");
    }

    @Test
    void badColumnarSchemaFailsBeforeAnyBrokerIsContacted() {
        assertThat(Kappa.execute("columnar", "--set", "columnar.fields.amount=decimal", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr().strip()).isEqualTo("kappa columnar: columnar.fields.amount: unknown type 'decimal', "
                + "expected string, long, double, boolean or timestamp");
        assertThat(Kappa.execute("columnar", "--set", "columnar.fields.event_id=string", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr()).contains("columnar.fields.event_id: the name is taken by an envelope or partition column");
    }

    @Test
    void badDedupSettingsFailBeforeAnyBrokerIsContacted() {
        assertThat(Kappa.execute("dedup", "--set", "dedup.retention=0s", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr().strip()).isEqualTo("kappa dedup: dedup.retention must be positive, got 0 ms");
    }

    @Test
    void configListsEveryKeyWithItsOrigin() {
        assertThat(Kappa.execute("config", "--set", "ingest.missing-id=derive")).isZero();
        assertThat(console.stdout()).contains("ingest.missing-id = derive   (reject|derive, --set)",
                "kafka.bootstrap-servers = 127.0.0.1:9092   (string, default)");
    }

    @Test
    void unknownKeyExitsTwoNamingKeyAndFile() throws IOException {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "ingest:\n  missing_id: derive\n");

        assertThat(Kappa.execute("config", "--conf", file.toString())).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr().strip()).isEqualTo("kappa config: " + file
                + ": unknown key 'ingest.missing_id' (did you mean 'ingest.missing-id'?)");
    }

    @Test
    void badValueExitsTwoWithOneLine() {
        assertThat(Kappa.execute("config", "--set", "checkpoint.interval=soon")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr().strip()).startsWith("kappa config: --set: invalid value 'soon' for 'checkpoint.interval'")
                .doesNotContain("\n");
    }

    @Test
    void missingCommandOrUnknownOptionIsUsageError() {
        assertThat(Kappa.execute()).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(Kappa.execute("ingest", "--frobnicate")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void aMistypedOptionDoesNotEchoTheSecretsOnTheCommandLine() {
        assertThat(Kappa.execute("dedup", "--bounded", "--frobnicate", "--set",
                "kafka.properties.sasl.jaas.config=ScramLoginModule required username=\"u\" password=\"cli-pass-31\";",
                "--set", "flink.s3.secret-key=cli-s3-key-9")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr()).contains("Unknown option: '--frobnicate'").doesNotContain(
                "cli-pass-31", "cli-s3-key-9");
    }

    @Test
    void shippedConfigsParse() {
        Path conf = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "conf");
        assertThat(Kappa.execute("config", "--conf", conf.resolve("local.yaml").toString())).isZero();
        // cluster.yaml references secrets from the environment; with them unset it must say which.
        int code = Kappa.execute("config", "--conf", conf.resolve("cluster.yaml").toString());
        assertThat(code).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(console.stderr()).contains("refers to environment variable KAFKA_BOOTSTRAP_SERVERS, which is not set");
    }
}
