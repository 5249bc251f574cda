package dev.kappa.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI through its real argument parser: help, exit codes, one-line reasons. */
class KappaCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @TempDir
    Path tmp;

    @BeforeEach
    void capture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandDocumentsItsOptions() {
        assertThat(Kappa.execute("ingest", "--help")).isZero();
        assertThat(stdout()).contains("--files", "--bounded", "--conf", "--set");
        assertThat(Kappa.execute("generate", "--help")).isZero();
        assertThat(stdout()).contains("--count", "--rate", "--duplicates", "--malformed", "--late", "--seed");
        assertThat(Kappa.execute("demo", "--help")).isZero();
        assertThat(stdout()).contains("--events", "--warehouse");
        assertThat(Kappa.execute("dedup", "--help")).isZero();
        assertThat(stdout()).contains("--bounded", "dedup.retention", "dedup.too-late");
        assertThat(Kappa.execute("columnar", "--help")).isZero();
        assertThat(stdout()).contains("--bounded", "columnar.warehouse", "_SUCCESS");
        assertThat(Kappa.execute("replay", "--help")).isZero();
        assertThat(stdout()).contains("--from", "--publish", "--resume", "--table");
        assertThat(Kappa.execute("table", "publish", "--help")).isZero();
        assertThat(stdout()).contains("vN", "retired");
        assertThat(Kappa.execute("audit", "--help")).isZero();
        assertThat(stdout()).contains("--version", "exits 1");
    }

    @Test
    void replayFromMustBeEarliestOrAnInstant() {
        assertThat(Kappa.execute("replay", "--from", "yesterday", "--set", "kafka.bootstrap-servers=127.0.0.1:1"))
                .isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr().strip()).isEqualTo("kappa replay: --from yesterday: expected earliest or an ISO-8601 "
                + "instant such as 2026-11-01T00:00:00Z");
    }

    @Test
    void badColumnarSchemaFailsBeforeAnyBrokerIsContacted() {
        assertThat(Kappa.execute("columnar", "--set", "columnar.fields.amount=decimal", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr().strip()).isEqualTo("kappa columnar: columnar.fields.amount: unknown type 'decimal', "
                + "expected string, long, double, boolean or timestamp");
        assertThat(Kappa.execute("columnar", "--set", "columnar.fields.event_id=string", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr()).contains("columnar.fields.event_id: the name is taken by an envelope or partition column");
    }

    @Test
    void badDedupSettingsFailBeforeAnyBrokerIsContacted() {
        assertThat(Kappa.execute("dedup", "--set", "dedup.retention=0s", "--set",
                "kafka.bootstrap-servers=127.0.0.1:1")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr().strip()).isEqualTo("kappa dedup: dedup.retention must be positive, got 0 ms");
    }

    @Test
    void configListsEveryKeyWithItsOrigin() {
        assertThat(Kappa.execute("config", "--set", "ingest.missing-id=derive")).isZero();
        assertThat(stdout()).contains("ingest.missing-id = derive   (reject|derive, --set)",
                "kafka.bootstrap-servers = 127.0.0.1:9092   (string, default)");
    }

    @Test
    void unknownKeyExitsTwoNamingKeyAndFile() throws IOException {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "ingest:\n  missing_id: derive\n");

        assertThat(Kappa.execute("config", "--conf", file.toString())).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr().strip()).isEqualTo("kappa config: " + file
                + ": unknown key 'ingest.missing_id' (did you mean 'ingest.missing-id'?)");
    }

    @Test
    void badValueExitsTwoWithOneLine() {
        assertThat(Kappa.execute("config", "--set", "checkpoint.interval=soon")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr().strip()).startsWith("kappa config: --set: invalid value 'soon' for 'checkpoint.interval'")
                .doesNotContain("\n");
    }

    @Test
    void missingCommandOrUnknownOptionIsUsageError() {
        assertThat(Kappa.execute()).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(Kappa.execute("ingest", "--frobnicate")).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr()).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void shippedConfigsParse() {
        Path conf = Path.of(System.getProperty("maven.multiModuleProjectDirectory", ".."), "conf");
        assertThat(Kappa.execute("config", "--conf", conf.resolve("local.yaml").toString())).isZero();
        // cluster.yaml references secrets from the environment; with them unset it must say which.
        int code = Kappa.execute("config", "--conf", conf.resolve("cluster.yaml").toString());
        assertThat(code).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(stderr()).contains("refers to environment variable KAFKA_BOOTSTRAP_SERVERS, which is not set");
    }
}
