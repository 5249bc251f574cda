package dev.kappa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.EventTimeHeader;
import dev.kappa.common.testkit.TestKafka;
import dev.kappa.jobs.cli.AllOptions;

class FlinkKeyedCopyTest {

    private static final int PARTITIONS = 3;

    @TempDir
    Path tmp;

    /** A copy, not a dedup: repeated ids are copied as often as they were logged. */
    @Test
    void copiesEveryRecordWithItsKeyValueAndEventTimeRepeatsIncluded() throws Exception {
        String from = TestKafka.newTopic("keyed-copy-from", PARTITIONS);
        String to = TestKafka.newTopic("keyed-copy-to", PARTITIONS);
        List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String id = "id-" + i % 1_000;
            String json = "{\"n\":" + i + "}";
            long eventTime = 1_767_225_600_000L + i;
            sent.add(new ProducerRecord<>(from, i % PARTITIONS, null, bytes(id), bytes(json),
                    EventTimeHeader.of(eventTime)));
            expected.add(id + "=" + json + " at " + eventTime);
        }
        TestKafka.produce(sent);

        FlinkKeyedCopy.run(KappaConfig.load(null, List.of("kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "topics.valid=" + from, "topics.unique=" + to, "job.name=keyed-copy-test", "dedup.start=earliest",
                "job.parallelism=2", "checkpoint.interval=500ms", "checkpoint.dir=" + tmp.toUri()), AllOptions.list()));

        assertThat(TestKafka.readAll(to).stream().map(FlinkKeyedCopyTest::described))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    private static String described(ConsumerRecord<byte[], byte[]> record) {
        return text(record.key()) + "=" + text(record.value()) + " at " + EventTimeHeader.eventTime(record);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
