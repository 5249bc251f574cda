package dev.kappa.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.kafka.EventTimeHeader;
import dev.kappa.common.testkit.FailureInjector;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.FailingRuns;
import dev.kappa.jobs.cli.TestConfigs;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.ingest.IngestJob;

/** The real IngestJob and DedupJob on a MiniCluster against a real broker, failures and savepoints included. */
class DedupJobITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void ingestThenDedupUnderInjectedFailuresLeavesEveryUniqueIdExactlyOnce() throws Exception {
        String raw = TestKafka.newTopic("raw", 2);
        String valid = TestKafka.newTopic("valid", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        String unique = TestKafka.newTopic("unique", 2);
        EventGenerator generator = new EventGenerator(new EventGenerator.Spec(230_000, 0.15, 0.01, 0.05, 7,
                Instant.parse("2026-03-01T00:00:00Z"), Duration.ofHours(12)));
        // Duplicates alternate between the partition of their original and the other one, so both
        // same-partition and cross-partition repeats reach dedup; a fifth of them repeat an event
        // from anywhere earlier in the stream.
        Map<String, Integer> partitionOf = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long duplicates = 0;
        while (generator.hasNext()) {
            EventGenerator.Generated g = generator.next();
            int partition = records.size() % 2;
            if (g.kind() == EventGenerator.Kind.UNIQUE) {
                partitionOf.put(g.eventId(), partition);
            } else if (g.kind() == EventGenerator.Kind.DUPLICATE) {
                partition = partitionOf.get(g.eventId()) ^ (int) (duplicates++ % 2);
            }
            records.add(new ProducerRecord<>(raw, partition, null, g.value()));
        }
        TestKafka.produce(records);
        assertThat(duplicates).isBetween(records.size() / 10L, records.size() / 5L);

        long seed = System.nanoTime();
        KappaConfig ingestConfig = TestConfigs.ingest(raw, valid, dlq, tmp);
        String ingestName = ingestConfig.get(CommonOptions.JOB_NAME);
        FailingRuns.ingest(ingestConfig, 1, 5_000, 40_000, seed);
        KappaConfig dedupConfig = TestConfigs.dedup(valid, unique, dlq, tmp);
        String dedupName = dedupConfig.get(CommonOptions.JOB_NAME);
        FailingRuns.dedup(dedupConfig, 3, 2_000, 25_000, seed);

        assertThat(FailureInjector.remaining(ingestName) + FailureInjector.remaining(dedupName))
                .as("planned failures that did not happen (seed %d)", seed).isZero();
        assertThat(partitionOf).hasSize(records.size() - (int) duplicates - malformed(records));
        List<ConsumerRecord<byte[], byte[]>> out = TestKafka.readAll(unique);
        List<String> ids = out.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertThat(ids).as("seed %d", seed).hasSize(partitionOf.size());
        assertThat(new HashSet<>(ids)).isEqualTo(partitionOf.keySet());
        for (ConsumerRecord<byte[], byte[]> r : out) {
            assertThat(JSON.readTree(r.value()).get("event_id").asText())
                    .isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
        }
        assertThat(TestKafka.readAll(dlq))
                .extracting(r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.SOURCE_TOPIC))
                .as("dead letters from dedup").doesNotContain(valid);
    }

    private static int malformed(List<ProducerRecord<byte[], byte[]>> records) {
        int count = 0;
        for (ProducerRecord<byte[], byte[]> r : records) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            if (!value.startsWith("{\"event_id\":\"") || !value.endsWith("}}")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void stopWithSavepointAndResumeLosesNothingAndRepeatsNothing() throws Exception {
        String valid = TestKafka.newTopic("valid", 2);
        String unique = TestKafka.newTopic("unique", 2);
        String dlq = TestKafka.newTopic("dlq", 2);
        KappaConfig config = TestConfigs.dedup(valid, unique, dlq, tmp);
        Set<String> expected = new HashSet<>();

        produceLog(valid, 0, 10_000, expected);
        JobClient first = start(config);
        await(() -> TestKafka.readAll(unique).size() >= 3_000, "first output");
        // More log arrives, repeating ids from before, while the job is stopped with a savepoint.
        produceLog(valid, 10_000, 20_000, expected);
        produceRepeats(valid, 0, 10_000, 3);
        String savepoint = first.stopWithSavepoint(false, tmp.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        assertThat(TestKafka.readAll(unique).size()).isLessThanOrEqualTo(expected.size());

        // While it is down, repeats of everything so far and new ids.
        produceRepeats(valid, 0, 20_000, 2);
        produceLog(valid, 20_000, 25_000, expected);
        KappaConfig resumed = TestConfigs.dedup(valid, unique, dlq, tmp,
                "flink.execution.state-recovery.path=" + savepoint);
        JobClient second = start(resumed);
        await(() -> TestKafka.readAll(unique).size() >= expected.size(), "all unique ids");
        // A few more checkpoints: anything repeated across the boundary would now be visible.
        Thread.sleep(2_000);
        second.cancel().get();

        List<String> ids = TestKafka.readAll(unique).stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
        assertThat(ids).hasSize(expected.size());
        assertThat(new HashSet<>(ids)).isEqualTo(expected);
        assertThat(TestKafka.readAll(dlq)).isEmpty();
    }

    private static JobClient start(KappaConfig config) throws Exception {
        String name = config.get(CommonOptions.JOB_NAME);
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        DedupJob.defineToKafka(DedupJob.kafkaSource(env, config, name, false), config, name);
        return env.executeAsync(name);
    }

    /** Log records as ingest writes them: key = event_id, event time in its header. */
    private static void produceLog(String topic, int from, int to, Set<String> ids) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(logRecord(topic, i));
            ids.add("sp-" + i);
        }
        TestKafka.produce(records);
    }

    private static void produceRepeats(String topic, int from, int to, int every) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i += every) {
            records.add(logRecord(topic, i));
        }
        TestKafka.produce(records);
    }

    private static ProducerRecord<byte[], byte[]> logRecord(String topic, int i) {
        String id = "sp-" + i;
        long time = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() + i * 1000L;
        String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"t\",\"event_time\":\"" + Instant.ofEpochMilli(time)
                + "\"}";
        return new ProducerRecord<>(topic, null, null, id.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8), EventTimeHeader.of(time));
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
