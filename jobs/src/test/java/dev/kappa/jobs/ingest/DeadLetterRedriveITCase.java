package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.ConsoleCapture;
import dev.kappa.jobs.cli.Kappa;
import dev.kappa.jobs.cli.TestConfigs;
import dev.kappa.jobs.dedup.DedupJob;

/**
 * Dead letters with PII configured hold no PII field in clear, and {@code kappa dlq redrive} sends
 * them back through ingest after a fix: those the fix lets through become events (a bulk-file line
 * with its file-derived id), the rest stay in the DLQ, and a letter re-driven twice reaches
 * events.unique once.
 */
class DeadLetterRedriveITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    private static final String PII_KEY = "0123456789abcdef-redrive-key";
    private static final String EMAIL = "alice@example.com";
    private static final String DEVICE = "alice-laptop";

    @TempDir
    Path tmp;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void sealedLettersHoldNoPiiAndComeBackOnceAfterAFix() throws Exception {
        String raw = TestKafka.newTopic("raw", 1);
        String valid = TestKafka.newTopic("valid", 1);
        String dlq = TestKafka.newTopic("dlq", 1);
        String unique = TestKafka.newTopic("unique", 1);
        String big = "{\"event_id\":\"big\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\",\"source\":\""
                + DEVICE + "\",\"payload\":{\"user\":{\"email\":\"" + EMAIL + "\"},\"blob\":\"" + "b".repeat(3_000) + "\"}}";
        String badTime = "{\"event_id\":\"bad-time\",\"event_type\":\"t\",\"event_time\":\"yesterday\",\"source\":\""
                + DEVICE + "\",\"payload\":{\"user\":{\"email\":\"" + EMAIL + "\"}}}";
        String broken = "{\"event_id\":\"broken\",\"source\":\"" + DEVICE + "\"";
        TestKafka.produceValues(raw, 1, List.of(utf8("{\"event_id\":\"ok\",\"event_type\":\"t\",\"event_time\":"
                + "\"2026-01-01T00:00:00Z\",\"source\":\"" + DEVICE + "\"}"), utf8(big), utf8(badTime), utf8(broken)));
        String noIdLine = "{\"event_type\":\"import\",\"event_time\":\"2026-01-01T00:00:00Z\",\"payload\":{\"blob\":\""
                + "f".repeat(3_000) + "\"}}";
        Path file = Files.writeString(tmp.resolve("dump.json"), noIdLine + "\n");
        String fileId = "file-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(utf8(noIdLine + "\n"))).substring(0, 32) + "-0";
        List<String> strict = settings(raw, valid, dlq, "ingest.max-record-bytes=2kb");
        List<String> fixed = settings(raw, valid, dlq, "ingest.max-record-bytes=1mb");

        IngestJob.run(config(strict), IngestJob.Input.kafka(true));
        IngestJob.run(config(strict), IngestJob.Input.files(List.of(file.toString())));

        List<ConsumerRecord<byte[], byte[]>> letters = TestKafka.readAll(dlq);
        assertThat(letters).extracting(l -> DeadLetterHeaders.get(l.headers(), DeadLetterHeaders.REASON))
                .containsExactlyInAnyOrder("too_large", "bad_timestamp", "malformed_json", "too_large");
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            assertThat(readable(letter)).doesNotContain(EMAIL, DEVICE, "alice");
            assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.ENCRYPTION)).isEqualTo("aes-256-gcm");
        }
        ConsumerRecord<byte[], byte[]> bigLetter = letterFor(letters, "too_large", raw);
        assertThat(DeadLetterHeaders.get(bigLetter.headers(), DeadLetterHeaders.MASKED_VALUE))
                .contains("\"event_id\":\"big\"", new PiiMasker(List.of("payload.user.email"), PII_KEY).hash(EMAIL));
        assertThat(DeadLetterSeal.open(bigLetter.value(), PII_KEY)).isEqualTo(utf8(big));
        ConsumerRecord<byte[], byte[]> badTimeLetter = letterFor(letters, "bad_timestamp", raw);
        assertThat(new String(DeadLetterSeal.open(Base64.getDecoder().decode(
                DeadLetterHeaders.get(badTimeLetter.headers(), DeadLetterHeaders.DETAIL)), PII_KEY),
                StandardCharsets.UTF_8)).as("the sealed detail").contains("'yesterday'");

        assertThat(redrive(fixed)).as(console.both()).isZero();
        assertThat(console.stdout()).contains("redrive: 4 dead letters matched", "sent 2 to " + raw,
                "refused again 2 {bad_timestamp=1, malformed_json=1}");
        // A bounded run commits its group's offsets only if a checkpoint completed before it ended, so
        // this one may read the first four records again: whatever it re-reads, only the re-driven
        // records (raw offsets 4 and 5) are new, and none of them may be parked again.
        IngestJob.run(config(fixed), IngestJob.Input.kafka(true));
        assertThat(ids(valid)).containsOnly("ok", "big", fileId);
        assertThat(TestKafka.readAll(dlq)).as("nothing re-driven was parked again")
                .extracting(l -> DeadLetterHeaders.get(l.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .containsAnyOf("0", "1", "2", "3").doesNotContain("4", "5");

        assertThat(redrive(fixed, "--reason", "too_large")).as(console.both()).isZero();
        assertThat(console.stdout()).contains("redrive: 2 dead letters matched", "sent 2 to " + raw);
        IngestJob.run(config(fixed), IngestJob.Input.kafka(true));
        assertThat(ids(valid).stream().filter("big"::equals)).as("big, re-driven twice").hasSizeGreaterThan(1);
        DedupJob.run(TestConfigs.dedup(valid, unique, dlq, tmp), true);
        assertThat(ids(unique)).containsExactlyInAnyOrder("ok", "big", fileId);
    }

    private List<String> settings(String raw, String valid, String dlq, String... extra) {
        List<String> settings = new ArrayList<>(List.of("kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "topics.raw=" + raw, "topics.valid=" + valid, "topics.dlq=" + dlq, "job.parallelism=1",
                "checkpoint.interval=500ms", "checkpoint.dir=" + tmp.resolve("checkpoints").toUri(),
                "job.name=ingest-" + valid, "ingest.start=committed", "ingest.pii.fields=payload.user.email,source",
                "ingest.pii.key=" + PII_KEY, "ingest.claim-check-dir=" + tmp.resolve("claims").toUri()));
        settings.addAll(List.of(extra));
        return settings;
    }

    private static KappaConfig config(List<String> settings) {
        return KappaConfig.load(null, settings, dev.kappa.jobs.cli.AllOptions.list());
    }

    private int redrive(List<String> settings, String... options) {
        List<String> line = new ArrayList<>(List.of("dlq", "redrive"));
        line.addAll(List.of(options));
        for (String setting : settings) {
            line.addAll(List.of("--set", setting));
        }
        return Kappa.execute(line.toArray(String[]::new));
    }

    private static ConsumerRecord<byte[], byte[]> letterFor(List<ConsumerRecord<byte[], byte[]>> letters,
            String reason, String sourceTopic) {
        return letters.stream()
                .filter(l -> reason.equals(DeadLetterHeaders.get(l.headers(), DeadLetterHeaders.REASON)))
                .filter(l -> sourceTopic.equals(DeadLetterHeaders.get(l.headers(), DeadLetterHeaders.SOURCE_TOPIC)))
                .findFirst().orElseThrow();
    }

    /** Everything a reader of the DLQ sees of a letter in clear: key, value and every header. */
    private static String readable(ConsumerRecord<byte[], byte[]> letter) {
        StringBuilder text = new StringBuilder();
        if (letter.key() != null) {
            text.append(new String(letter.key(), StandardCharsets.ISO_8859_1));
        }
        if (letter.value() != null) {
            text.append(new String(letter.value(), StandardCharsets.ISO_8859_1));
        }
        for (Header header : letter.headers()) {
            text.append(header.key()).append(new String(header.value(), StandardCharsets.ISO_8859_1));
        }
        return text.toString();
    }

    private static List<String> ids(String topic) {
        return TestKafka.readAll(topic).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    }
}
