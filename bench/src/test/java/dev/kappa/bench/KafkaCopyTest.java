package dev.kappa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kappa.common.testkit.TestKafka;

class KafkaCopyTest {

    private static final int PARTITIONS = 3;

    /** Every few milliseconds: many transactions; every hour: one, committed when the copy ends. */
    @ParameterizedTest
    @ValueSource(longs = {20, 3_600_000})
    void copiesEveryCommittedRecordWithItsKeyAndHeadersAndCommitsTheOffsetsItCopied(long transactionMillis)
            throws Exception {
        String from = TestKafka.newTopic("copy-from", PARTITIONS);
        String to = TestKafka.newTopic("copy-to", PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("n", bytes("h" + i));
            sent.add(new ProducerRecord<>(from, i % PARTITIONS, null, bytes("k" + i), bytes("v" + i), headers));
        }
        TestKafka.produce(sent);

        String group = "copy-test-" + transactionMillis;
        double rate = KafkaCopy.copy(TestKafka.settings(), from, to, 2, Duration.ofMillis(transactionMillis), group);

        assertThat(rate).isPositive();
        assertThat(TestKafka.readAll(to).stream().map(r -> described(r.key(), r.value(), r.headers())))
                .containsExactlyInAnyOrderElementsOf(
                        sent.stream().map(r -> described(r.key(), r.value(), r.headers())).toList());
        try (Admin admin = Admin.create(TestKafka.settings().toProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertThat(committed.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(),
                    e -> e.getValue().offset()))).isEqualTo(Map.of(0, 6_667L, 1, 6_667L, 2, 6_666L));
        }
    }

    private static String described(byte[] key, byte[] value, Headers headers) {
        return text(key) + "=" + text(value) + " " + text(headers.lastHeader("n").value());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
