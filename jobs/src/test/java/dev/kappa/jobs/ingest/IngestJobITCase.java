package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.kafka.EventTimeHeader;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LogGapException;
import dev.kappa.common.testkit.CheckpointStall;
import dev.kappa.common.testkit.FailureInjector;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.TestConfigs;

/** The real IngestJob on a MiniCluster against a real broker; topic contents checked record by record. */
class IngestJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String good(String id, int n) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"click\",\"event_time\":\"2026-01-01T00:00:"
                + String.format("%02d", n % 60) + "Z\",\"payload\":{\"n\":" + n + "}}";
    }

    private static List<byte[]> goodEvents(String idPrefix, int count) {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(utf8(good(idPrefix + i, i)));
        }
        return values;
    }

    /** Every kind of bad input, each with the reason it must be dead-lettered for. */
    private static Map<String, byte[]> badCorpus() {
        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("malformed_json", utf8("{\"event_id\":\"x\",\"event_type\":"));
        bad.put("not_an_object", utf8("[\"x\"]"));
        bad.put("missing_field", utf8("{\"event_id\":\"x\",\"event_time\":\"2026-01-01T00:00:00Z\"}"));
        bad.put("wrong_type", utf8("{\"event_id\":12,\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\"}"));
        bad.put("empty_id", utf8("{\"event_id\":\"\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\"}"));
        bad.put("id_too_long", utf8("{\"event_id\":\"" + "i".repeat(129)
                + "\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\"}"));
        bad.put("bad_timestamp", utf8("{\"event_id\":\"x\",\"event_type\":\"t\",\"event_time\":\"soon\"}"));
        bad.put("timestamp_out_of_range", utf8("{\"event_id\":\"x\",\"event_type\":\"t\",\"event_time\":1767225600}"));
        byte[] invalid = utf8("{\"event_id\":\"x?\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\"}");
        invalid[14] = (byte) 0xFE;
        bad.put("invalid_utf8", invalid);
        bad.put("empty_value", new byte[0]);
        bad.put("too_deep", utf8("{\"event_id\":\"x\",\"event_type\":\"t\",\"event_time\":1767225600000,\"payload\":"
                + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}"));
        bad.put("too_large", utf8("{\"event_id\":\"x\",\"event_type\":\"t\",\"event_time\":1767225600000,\"payload\":{\"blob\":\""
                + "z".repeat(70_000) + "\"}}"));
        bad.put("duplicate_field", utf8("{\"event_id\":\"x\",\"event_id\":\"y\",\"event_type\":\"t\",\"event_time\":1767225600000}"));
        return bad;
    }

    @Test
    void everyRawRecordBecomesOneValidEventOrOneTraceableDeadLetter() throws Exception {
        String raw = TestKafka.newTopic("raw", 2);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> goodIds = new ArrayList<>();
        Map<String, byte[]> bad = badCorpus();
        List<String> badReasons = new ArrayList<>(bad.keySet());
        for (int i = 0; i < 300; i++) {
            String id = "ev-" + i;
            goodIds.add(id);
            records.add(new ProducerRecord<>(raw, i % 2, utf8("k" + i), utf8(good(id, i))));
            if (i % 20 == 0 && i / 20 < badReasons.size()) {
                records.add(new ProducerRecord<>(raw, i % 2, utf8("bad" + i), bad.get(badReasons.get(i / 20))));
            }
        }
        // Within ingest.max-future-skew but past what the broker accepts as a record timestamp
        // (log.message.timestamp.after.max.ms, 1 h by default): must be a valid event all the same.
        String ahead = Instant.now().plus(Duration.ofHours(2)).toString();
        assertThat(brokerRefusesTimestamp(raw, Instant.parse(ahead))).as("the broker refuses this event time as "
                + "a record timestamp, so the test would catch ingest writing it as one").isTrue();
        goodIds.add("ahead");
        records.add(new ProducerRecord<>(raw, 0, utf8("k-ahead"),
                utf8("{\"event_id\":\"ahead\",\"event_type\":\"t\",\"event_time\":\"" + ahead + "\"}")));
        records.add(new ProducerRecord<>(raw, 1, utf8("tombstone"), null));
        List<RecordMetadata> acked = TestKafka.produce(records);

        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.max-record-bytes=64kb",
                "ingest.max-depth=32");
        JobExecutionResult result = IngestJob.run(config, IngestJob.Input.kafka(true));

        List<ConsumerRecord<byte[], byte[]>> validOut = TestKafka.readAll(valid);
        List<ConsumerRecord<byte[], byte[]>> dlqOut = TestKafka.readAll(dlq);
        assertThat(validOut.size() + dlqOut.size()).isEqualTo(records.size());
        assertThat(validOut).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(goodIds);
        for (ConsumerRecord<byte[], byte[]> r : validOut) {
            JsonNode event = JSON.readTree(r.value());
            assertThat(event.get("event_id").asText()).isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
            assertThat(DeadLetterHeaders.get(r.headers(), EventTimeHeader.NAME))
                    .isEqualTo(Long.toString(Instant.parse(event.get("event_time").asText()).toEpochMilli()));
        }

        Map<String, ConsumerRecord<byte[], byte[]>> dlqBySource = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlqOut) {
            assertThat(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(raw);
            dlqBySource.put(DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_PARTITION) + "@"
                    + DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_OFFSET), r);
        }
        List<String> seenReasons = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            ProducerRecord<byte[], byte[]> sent = records.get(i);
            boolean isGood = sent.value() != null && new String(sent.key(), StandardCharsets.UTF_8).startsWith("k");
            if (isGood) {
                continue;
            }
            ConsumerRecord<byte[], byte[]> letter = dlqBySource.get(acked.get(i).partition() + "@" + acked.get(i).offset());
            assertThat(letter).as("dead letter for %s", new String(sent.key(), StandardCharsets.UTF_8)).isNotNull();
            assertThat(letter.key()).isEqualTo(sent.key());
            assertThat(letter.value()).isEqualTo(sent.value());
            assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_TIMESTAMP))
                    .isEqualTo(Long.toString(acked.get(i).timestamp()));
            assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.DETAIL)).isNotBlank();
            seenReasons.add(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON));
        }
        List<String> expectedReasons = new ArrayList<>(badReasons);
        expectedReasons.add("null_value");
        assertThat(seenReasons).containsExactlyInAnyOrderElementsOf(expectedReasons);

        IngestSummary summary = IngestSummary.of(result);
        assertThat(summary.valid()).isEqualTo(goodIds.size());
        assertThat(summary.deadLetters()).isEqualTo(expectedReasons.size());
        assertThat(summary.deadLettersByReason()).containsEntry("null_value", 1L).containsEntry("too_deep", 1L);
    }

    private static boolean brokerRefusesTimestamp(String topic, Instant timestamp) {
        try {
            TestKafka.produce(List.of(new ProducerRecord<>(topic, 0, timestamp.toEpochMilli(), (byte[]) null, (byte[]) null)));
            return false;
        } catch (IllegalStateException e) {
            return ExceptionUtils.findThrowable(e, InvalidTimestampException.class).isPresent();
        }
    }

    @Test
    void recordsTheLogDeletedBeforeTheyWereReadStopTheJobWithTheRangeLost() throws Exception {
        String raw = TestKafka.newTopic("raw", 1);
        String valid = TestKafka.newTopic("valid", 1);
        String dlq = TestKafka.newTopic("dlq", 1);
        TestKafka.produceValues(raw, 1, goodEvents("gap-", 100));
        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.start=committed");
        TopicPartition partition = new TopicPartition(raw, 0);
        try (Admin admin = Admin.create(TestKafka.settings().toProperties())) {
            // The job's group had read up to offset 10, then retention deleted everything before 60.
            admin.alterConsumerGroupOffsets(config.get(CommonOptions.JOB_NAME),
                    Map.of(partition, new OffsetAndMetadata(10))).all().get();
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(60))).all().get();
        }

        assertThatThrownBy(() -> IngestJob.run(config, IngestJob.Input.kafka(true)))
                .satisfies(e -> assertThat(ExceptionUtils.findThrowable(e, SuppressRestartsException.class))
                        .as("stopped without restarts").isPresent())
                .satisfies(e -> assertThat(ExceptionUtils.findThrowable(e, LogGapException.class)).get()
                        .extracting(Throwable::getMessage).asString().contains(raw + "-0 offsets 10 to 59"));
        assertThat(TestKafka.readAll(valid)).as("nothing after the gap was written either").isEmpty();
    }

    @Test
    void exactlyOnceOutputSurvivesInjectedTaskFailures() throws Exception {
        String raw = TestKafka.newTopic("raw", 2);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        List<byte[]> values = new ArrayList<>();
        int goodCount = 0;
        for (int i = 0; i < 12_000; i++) {
            if (i % 100 == 7) {
                values.add(utf8("{broken " + i));
            } else {
                values.add(utf8(good("eo-" + i, i)));
                goodCount++;
            }
        }
        TestKafka.produceValues(raw, 2, values);
        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.delivery=exactly-once");
        String failures = "ingest-eo-" + System.nanoTime();

        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        String jobName = config.get(CommonOptions.JOB_NAME);
        DataStream<RawRecord> source = IngestJob.kafkaSource(env, config, jobName, true)
                .map(FailureInjector.<RawRecord>failTimes(failures, 2, 1500)).uid("failure-injector");
        IngestJob.defineToKafka(source, config, jobName);
        env.execute(jobName);

        assertThat(FailureInjector.remaining(failures)).as("planned failures that happened").isZero();
        List<ConsumerRecord<byte[], byte[]>> validOut = TestKafka.readAll(valid);
        assertThat(validOut).hasSize(goodCount);
        assertThat(validOut.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct().count())
                .isEqualTo(goodCount);
        List<ConsumerRecord<byte[], byte[]>> dlqOut = TestKafka.readAll(dlq);
        assertThat(dlqOut).hasSize(values.size() - goodCount);
        assertThat(dlqOut).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON))
                .containsOnly("malformed_json");
    }

    /**
     * A checkpoint slower than checkpoint.timeout is abandoned and the job fails over to the last one;
     * under a transaction timeout the start-up check accepts (interval + checkpoint timeout, here 2.3 s,
     * against 10 s), nothing is lost and nothing doubled. That a shorter one is refused is tested in
     * FlinkEnvironmentsTest and KafkaAdminITCase.
     */
    @Test
    void aCheckpointStalledPastItsTimeoutLosesNothing() throws Exception {
        String raw = TestKafka.newTopic("raw", 2);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        List<byte[]> values = goodEvents("stall-", 6_000);
        TestKafka.produceValues(raw, 2, values);
        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.delivery=exactly-once",
                "checkpoint.interval=300ms", "checkpoint.timeout=2s", "kafka.transaction-timeout=10s");
        try (KafkaAdmin admin = new KafkaAdmin(KafkaSettings.from(config))) {
            admin.verifyTransactions(config.get(CommonOptions.JOB_NAME), List.of(valid, dlq),
                    FlinkEnvironments.longestTransaction(config));
        }
        String stall = "stall-" + System.nanoTime();

        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        String jobName = config.get(CommonOptions.JOB_NAME);
        DataStream<RawRecord> source = IngestJob.kafkaSource(env, config, jobName, true)
                .map(CheckpointStall.<RawRecord>once(stall, 1_000, Duration.ofSeconds(5))).uid("checkpoint-stall");
        IngestJob.defineToKafka(source, config, jobName);
        env.execute(jobName);

        assertThat(CheckpointStall.happened(stall)).as("a checkpoint was stalled").isTrue();
        List<String> ids = TestKafka.readAll(valid).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .toList();
        assertThat(ids).hasSize(values.size()).doesNotHaveDuplicates();
    }

    @Test
    void resentBulkFileRepeatsItsIdsSoDedupCanDropThem() throws Exception {
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        String content = "{\"event_type\":\"import\",\"event_time\":\"2026-01-01T00:00:00Z\",\"payload\":{\"row\":1}}\n"
                + "{\"event_id\":\"given-1\",\"event_type\":\"import\",\"event_time\":\"2026-01-01T00:00:01Z\"}\r\n"
                + "\n"
                + "not json at all\n"
                + "{\"event_type\":\"import\",\"event_time\":\"2026-01-01T00:00:00Z\",\"payload\":{\"row\":1}}";
        Path day1 = Files.createDirectories(tmp.resolve("day1")).resolve("dump.json");
        Path copy = Files.createDirectories(tmp.resolve("resent")).resolve("renamed.json");
        Files.writeString(day1, content);
        Files.writeString(copy, content);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(content.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        int secondIdentical = content.lastIndexOf("{\"event_type\"");

        KappaConfig config = TestConfigs.ingest("unused-raw", valid, dlq, tmp);
        IngestJob.run(config, IngestJob.Input.files(List.of(day1.toString())));
        IngestJob.run(config, IngestJob.Input.files(List.of(tmp.resolve("resent") + "/*.json")));

        List<String> ids = TestKafka.readAll(valid).stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        List<String> once = List.of("file-" + hash + "-0", "given-1", "file-" + hash + "-" + secondIdentical);
        List<String> twice = new ArrayList<>(once);
        twice.addAll(once);
        assertThat(ids).containsExactlyInAnyOrderElementsOf(twice);

        List<ConsumerRecord<byte[], byte[]>> dlqOut = TestKafka.readAll(dlq);
        assertThat(dlqOut).hasSize(4);
        int blankLine = content.indexOf("\r\n\n") + 2;
        int notJson = content.indexOf("not json");
        assertThat(dlqOut).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON) + "@"
                        + DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_OFFSET))
                .containsExactlyInAnyOrder("empty_value@" + blankLine, "malformed_json@" + notJson,
                        "empty_value@" + blankLine, "malformed_json@" + notJson);
        assertThat(dlqOut).extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_FILE))
                .containsOnly("file:" + day1, "file:" + copy);
    }

    @Test
    void aBulkLineOverTheLimitIsKeptWholeBesideItsDeadLetterAndTheNextLinesGoOn() throws Exception {
        String valid = TestKafka.newTopic("valid", 1);
        String dlq = TestKafka.newTopic("dlq", 1);
        String overlong = "{\"event_id\":\"long\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\","
                + "\"payload\":{\"blob\":\"" + "b".repeat(50_000) + "\"}}";
        String content = overlong + "\n" + good("after", 1) + "\n";
        Path file = tmp.resolve("dump.json");
        Files.writeString(file, content);
        Path claims = tmp.resolve("claims");

        IngestJob.run(TestConfigs.ingest("unused-raw", valid, dlq, tmp, "ingest.max-record-bytes=1kb",
                "ingest.claim-check-dir=" + claims.toUri()), IngestJob.Input.files(List.of(file.toString())));

        assertThat(TestKafka.readAll(valid)).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                .containsExactly("after");
        List<ConsumerRecord<byte[], byte[]>> letters = TestKafka.readAll(dlq);
        assertThat(letters).hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON)).isEqualTo("too_large");
        assertThat(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(letter.value()).isNull();
        Path kept = Path.of(java.net.URI.create(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.CLAIM_CHECK)));
        assertThat(Files.readString(kept)).isEqualTo(overlong);
    }

    @Test
    void piiIsHashedWithTheKeyAndMissingIdsAreDerivedFromContent() throws Exception {
        String raw = TestKafka.newTopic("raw", 1);
        String valid = TestKafka.newTopic("valid", 1);
        String dlq = TestKafka.newTopic("dlq", 1);
        String key = "0123456789abcdef-test-key";
        TestKafka.produceValues(raw, 1, List.of(
                utf8("{\"event_id\":\"p1\",\"event_type\":\"signup\",\"event_time\":1767225600000,\"source\":\"alice-laptop\","
                        + "\"payload\":{\"user\":{\"email\":\"alice@example.com\"},\"plan\":\"pro\"}}"),
                utf8("{\"event_type\":\"click\",\"event_time\":1767225600000,\"payload\":{\"a\":1,\"b\":2}}"),
                utf8("{\"payload\":{\"b\":2,\"a\":1},\"event_time\":1767225600000,\"event_type\":\"click\"}"),
                utf8("{\"event_type\":\"click\",\"event_time\":1767225600000,\"payload\":{\"a\":1,\"b\":3}}")));
        KappaConfig config = TestConfigs.ingest(raw, valid, dlq, tmp, "ingest.pii.fields=payload.user.email,source",
                "ingest.pii.key=" + key, "ingest.missing-id=derive");

        IngestJob.run(config, IngestJob.Input.kafka(true));

        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TestKafka.readAll(valid)) {
            events.add(JSON.readTree(r.value()));
        }
        assertThat(events).hasSize(4);
        JsonNode signup = events.get(0);
        assertThat(signup.at("/payload/user/email").asText()).isEqualTo(hmac(key, "alice@example.com"));
        assertThat(signup.get("source").asText()).isEqualTo(hmac(key, "alice-laptop"));
        assertThat(signup.at("/payload/plan").asText()).isEqualTo("pro");
        String derivedA = events.get(1).get("event_id").asText();
        assertThat(derivedA).startsWith("derived-").hasSize("derived-".length() + 64);
        assertThat(events.get(2).get("event_id").asText()).isEqualTo(derivedA);
        assertThat(events.get(3).get("event_id").asText()).isNotEqualTo(derivedA);
    }

    private static String hmac(String key, String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }
}
