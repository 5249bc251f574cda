package dev.kappa.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.testkit.TestKafka;

/** Start-up checks against a real broker (whose transaction.max.timeout.ms is Kafka's default, 15 min). */
class KafkaAdminITCase {

    private static KafkaSettings withTimeout(Duration timeout) {
        return new KafkaSettings(TestKafka.bootstrapServers(), Map.of(), timeout);
    }

    @Test
    void transactionTimeoutAboveTheBrokerLimitIsRefusedBeforeTheJobStarts() {
        try (KafkaAdmin admin = new KafkaAdmin(withTimeout(Duration.ofHours(1)))) {
            assertThatThrownBy(() -> admin.verifyTransactions("over-limit", List.of(TestKafka.newTopic("txn", 1)),
                    Duration.ofSeconds(10)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("kafka.transaction-timeout (1 h) exceeds the broker's "
                            + "transaction.max.timeout.ms on " + TestKafka.bootstrapServers());
        }
    }

    @Test
    void transactionTimeoutMustOutlastTheLongestOpenTransaction() {
        try (KafkaAdmin admin = new KafkaAdmin(withTimeout(Duration.ofMinutes(2)))) {
            assertThatThrownBy(() -> admin.verifyTransactions("too-short", List.of(TestKafka.newTopic("txn", 1)), Duration.ofMinutes(2)))
                    .hasMessageStartingWith("kafka.transaction-timeout (2 min) must exceed the longest a transaction "
                            + "stays open, 2 min (checkpoint.interval + checkpoint.timeout");
        }
    }

    @Test
    void acceptableTimeoutPasses() {
        try (KafkaAdmin admin = new KafkaAdmin(withTimeout(Duration.ofMinutes(10)))) {
            assertThatCode(() -> admin.verifyTransactions("acceptable", List.of(TestKafka.newTopic("txn", 1)), Duration.ofSeconds(10)))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void lagCountsWhatTheGroupHasNotCommittedPerTopic() {
        String topic = TestKafka.newTopic("lagged", 2);
        TestKafka.produceValues(topic, 2, java.util.Collections.nCopies(10, new byte[] {1}));
        try (KafkaAdmin admin = new KafkaAdmin(TestKafka.settings());
                Admin raw = Admin.create(TestKafka.settings().toProperties())) {
            assertThat(admin.lag("lag-group")).isEmpty();
            raw.alterConsumerGroupOffsets("lag-group", Map.of(
                    new TopicPartition(topic, 0), new OffsetAndMetadata(1),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(5))).all().get();
            assertThat(admin.lag("lag-group")).containsExactly(Map.entry(topic, 4L)); // 5 records per partition: 4 + 0
            assertThat(admin.committedOffsets("lag-group", topic)).containsExactly(Map.entry(0, 1L), Map.entry(1, 5L));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void missingTopicsAreNamed() {
        String present = TestKafka.newTopic("present", 1);
        try (KafkaAdmin admin = new KafkaAdmin(TestKafka.settings())) {
            assertThatCode(() -> admin.requireTopics(List.of(present))).doesNotThrowAnyException();
            assertThatThrownBy(() -> admin.requireTopics(List.of(present, "no-such-topic")))
                    .hasMessageStartingWith("topic(s) [no-such-topic] do not exist on " + TestKafka.bootstrapServers());
        }
    }

    /** The log is the source of truth: a replay can only rebuild what it still holds. */
    @Test
    void createdTopicsKeepTheirDataForever() throws Exception {
        String topic = TestKafka.newTopic("kept", 1);
        try (Admin admin = Admin.create(TestKafka.settings().toProperties())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
        }
    }

    @Test
    void aLogTopicThatDeletesOrCompactsIsNamedBeforeAJobReadsIt() throws Exception {
        String kept = TestKafka.newTopic("kept", 1);
        String weekly = TestKafka.newTopic("weekly", 1);
        try (Admin admin = Admin.create(TestKafka.settings().toProperties())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, weekly);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "604800000"), AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete"),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        try (KafkaAdmin admin = new KafkaAdmin(TestKafka.settings())) {
            assertThat(admin.checkRetention(kept)).isEmpty();
            assertThat(admin.checkRetention(weekly)).get().asString()
                    .startsWith("topic " + weekly + " deletes records after 7 d (retention.ms) and compacts away")
                    .contains("a job that falls that far behind stops rather than skip them", "retention.ms=-1");
        }
    }
}
