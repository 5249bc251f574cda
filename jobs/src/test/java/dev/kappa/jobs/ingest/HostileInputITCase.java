package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.TestConfigs;

/**
 * Hostile records through the real ingest job on a real broker whose topics take less than the raw
 * topic does: the job must never fail (restarts are off), every raw record must come out exactly once,
 * as a valid event or as a dead letter with the expected reason, and nothing may be lost, not even
 * the bytes of a record too large for the dead-letter topic.
 */
class HostileInputITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VALID = "valid";
    private static final int VALID_TOPIC_BYTES = 64 * 1024;
    private static final int DLQ_TOPIC_BYTES = 32 * 1024;

    @TempDir
    Path tmp;

    /** One hostile record and what must become of it: "valid", or the reason of its dead letter. */
    private record Case(String name, byte[] key, byte[] value, RecordHeaders headers, String expected) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String event(String id, String time, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"t\",\"event_time\":\"" + time + "\""
                + (payload == null ? "" : ",\"payload\":" + payload) + "}";
    }

    private static String event(String id, String payload) {
        return event(id, "2026-01-01T00:00:00Z", payload);
    }

    /**
     * Random text from {@code alphabet} (code points): large records must not compress below the topics'
     * limits, since the broker checks the compressed batch.
     */
    private static String noise(Random random, int from, int to, int length) {
        StringBuilder text = new StringBuilder(length * 2);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(from + random.nextInt(to - from));
        }
        return text.toString();
    }

    private static String alphanumerics(Random random, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        Random random = new Random(15);
        String twoHoursAhead = Instant.now().plus(Duration.ofHours(2)).toString();
        cases.add(new Case("event time 2 h ahead, past the broker's timestamp limit", null,
                utf8(event("ahead", twoHoursAhead, null)), null, VALID));
        cases.add(new Case("30 KB of emoji: 90 KB if escaped, more than the canonical topic takes", null,
                utf8(event("emoji-small", "{\"text\":\"" + noise(random, 0x1F300, 0x1FAFF, 7_500) + "\"}")), null,
                VALID));
        cases.add(new Case("400 KB of emoji: too large for the canonical topic and for the DLQ", null,
                utf8(event("emoji-big", "{\"text\":\"" + noise(random, 0x1F300, 0x1FAFF, 100_000) + "\"}")), null,
                "too_large"));
        cases.add(new Case("300 KB event_time: its detail would echo it", null,
                utf8("{\"event_id\":\"bad-time\",\"event_type\":\"t\",\"event_time\":\"" + alphanumerics(random, 300_000) + "\"}"),
                null, "bad_timestamp"));
        cases.add(new Case("600 KB, past ingest.max-record-bytes", null,
                utf8(event("huge", "{\"blob\":\"" + alphanumerics(random, 600_000) + "\"}")), null, "too_large"));
        cases.add(new Case("unpaired high surrogate in the id", null,
                utf8(event("x\\ud800", null)), null, "invalid_unicode"));
        cases.add(new Case("unpaired low surrogate in the id (same '?' key as the high one)", null,
                utf8(event("x\\udc00", null)), null, "invalid_unicode"));
        cases.add(new Case("surrogate pair escaped in the id", null,
                utf8(event("pair-\\ud83d\\ude00", null)), null, VALID));
        cases.add(new Case("NUL, newline and BOM escaped in the id", null,
                utf8(event("ctl-\\u0000\\n\\ufeff", null)), null, VALID));
        cases.add(new Case("raw control character inside a string", null,
                utf8(event("ctl-raw\u0001", null)), null, "malformed_json"));
        cases.add(new Case("40 levels deep", null,
                utf8(event("deep", "{\"a\":".repeat(40) + "1" + "}".repeat(40))), null, "too_deep"));
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 2_000; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
        }
        cases.add(new Case("2,000 fields wide", null, utf8(event("wide", wide.append('}').toString())), null, VALID));
        cases.add(new Case("numbers past double range and precision", null,
                utf8(event("numbers", "{\"huge\":1e400,\"precise\":0.1000000000000000055511151231257827}")),
                null, VALID));
        cases.add(new Case("a 1,001-digit number", null,
                utf8(event("long-number", "{\"n\":" + "7".repeat(1_001) + "}")), null, "too_large"));
        cases.add(new Case("a 100,000-character field name", null,
                utf8(event("long-name", "{\"" + "n".repeat(100_000) + "\":1}")), null, "too_large"));
        cases.add(new Case("UTF-8 byte order mark before the object", null,
                concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(event("bom", null))), null, VALID));
        cases.add(new Case("Latin-1 bytes", null, latin1(event("latin-é", null)), null, "invalid_utf8"));
        cases.add(new Case("duplicate key deep in the payload", null,
                utf8(event("dup", "{\"a\":{\"b\":1,\"b\":2}}")), null, "duplicate_field"));
        cases.add(new Case("trailing garbage", null, utf8(event("trailing", null) + " x"), null, "malformed_json"));
        cases.add(new Case("JSON null", null, utf8("null"), null, "not_an_object"));
        cases.add(new Case("empty object", null, utf8("{}"), null, "missing_field"));
        cases.add(new Case("epoch millis past a long", null,
                utf8("{\"event_id\":\"far\",\"event_type\":\"t\",\"event_time\":99999999999999999999}"), null,
                "bad_timestamp"));
        cases.add(new Case("a 40 KB key on a broken value: the key alone is too large for a letter",
                utf8(alphanumerics(random, 40_000)), utf8("{broken"), null, "malformed_json"));
        RecordHeaders odd = new RecordHeaders();
        odd.add("\u0000\uD83D\uDE00", new byte[] {(byte) 0xFF, 0, (byte) 0xFE});
        odd.add("kappa.event-time", utf8("not a number"));
        odd.add("kappa.source.fallback-id", null);
        cases.add(new Case("odd headers, one posing as the event-time header", utf8("\u0000"),
                utf8(event("headers", null)), odd, VALID));
        RecordHeaders forged = new RecordHeaders();
        forged.add("kappa.source.fallback-id", utf8("x".repeat(70_000)));
        cases.add(new Case("no event_id, and a forged bulk-line id header", null,
                utf8("{\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\"}"), forged, "missing_field"));
        cases.add(new Case("tombstone", utf8("gone"), null, null, "null_value"));
        return cases;
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void limitRecordSize(String topic, int bytes) throws Exception {
        try (Admin admin = Admin.create(TestKafka.settings().toProperties())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(bytes)),
                    AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    @Test
    void noHostileRecordStopsIngestOrGetsLost() throws Exception {
        String raw = TestKafka.newTopic("raw", 2);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        limitRecordSize(valid, VALID_TOPIC_BYTES);
        limitRecordSize(dlq, DLQ_TOPIC_BYTES);
        List<Case> cases = corpus();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            records.add(new ProducerRecord<>(raw, i % 2, null, c.key(), c.value(), c.headers()));
        }
        List<RecordMetadata> acked = TestKafka.produce(records);
        Path claims = tmp.resolve("claims");
        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.max-record-bytes=512kb",
                "ingest.claim-check-dir=" + claims.toUri(), "flink.restart-strategy.type=none");

        IngestJob.run(config, IngestJob.Input.kafka(true));

        List<ConsumerRecord<byte[], byte[]>> validOut = TestKafka.readAll(valid);
        List<ConsumerRecord<byte[], byte[]>> dlqOut = TestKafka.readAll(dlq);
        assertThat(validOut.size() + dlqOut.size()).as("raw = valid + dlq").isEqualTo(cases.size());
        Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : dlqOut) {
            letters.put(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_PARTITION) + "@"
                    + DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET), letter);
        }
        Map<String, String> outcomes = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> validIds = validOut.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            expected.put(c.name(), c.expected());
            ConsumerRecord<byte[], byte[]> letter = letters.get(acked.get(i).partition() + "@" + acked.get(i).offset());
            if (letter == null) {
                outcomes.put(c.name(), VALID);
                continue;
            }
            outcomes.put(c.name(), DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON));
            assertThat(original(letter, DeadLetterHeaders.KEY_CLAIM_CHECK, letter.key())).as("key of %s", c.name())
                    .isEqualTo(c.key());
            assertThat(original(letter, DeadLetterHeaders.CLAIM_CHECK, letter.value())).as("value of %s", c.name())
                    .isEqualTo(c.value());
            assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.DETAIL)).as("detail of %s", c.name())
                    .hasSizeLessThan(DeadLetterHeaders.MAX_DETAIL_CHARS + 64);
        }
        assertThat(outcomes).isEqualTo(expected);
        assertThat(validIds).hasSize((int) expected.values().stream().filter(VALID::equals).count())
                .contains("ahead", "emoji-small", "wide", "numbers", "bom", "headers", "pair-\uD83D\uDE00",
                        "ctl-\u0000\n\uFEFF");
        for (ConsumerRecord<byte[], byte[]> event : validOut) {
            String id = new String(event.key(), StandardCharsets.UTF_8);
            assertThat(JSON.readTree(event.value()).get("event_id").asText()).isEqualTo(id);
            if (id.equals("emoji-small")) {
                assertThat(event.value().length).as("emoji kept as UTF-8").isLessThan(40_000);
            }
            if (id.equals("numbers")) {
                assertThat(new String(event.value(), StandardCharsets.UTF_8))
                        .contains("1E+400", "0.1000000000000000055511151231257827");
            }
        }
    }

    /** A letter's key or value as the producer sent it: from the letter, or from its claim-check file. */
    private static byte[] original(ConsumerRecord<byte[], byte[]> letter, String claimHeader, byte[] carried)
            throws Exception {
        String claim = DeadLetterHeaders.get(letter.headers(), claimHeader);
        if (claim == null) {
            return carried;
        }
        assertThat(carried).as("a claimed part is not also carried").isNull();
        return Files.readAllBytes(Path.of(URI.create(claim)));
    }
}
