package dev.kappa.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

@SuppressWarnings("deprecation") // the connector's API still takes the client's deprecated enum
class NoOffsetResetTest {

    private static final TopicPartition COMMITTED = new TopicPartition("log", 0);
    private static final TopicPartition FRESH = new TopicPartition("log", 1);

    /**
     * A group that committed offset 42 on partition 0 only, on a log that ends at 100; where it
     * begins is never asked for.
     */
    private static final OffsetsInitializer.PartitionOffsetsRetriever GROUP =
            new OffsetsInitializer.PartitionOffsetsRetriever() {
        @Override
        public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
            return Map.of(COMMITTED, 42L);
        }

        @Override
        public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
            return Map.of(FRESH, 100L);
        }

        @Override
        public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
            throw new AssertionError("earliest is the reader's to seek");
        }

        @Override
        public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
            throw new AssertionError("not asked");
        }
    };

    @Test
    void committedOffsetsAreLookedUpAndTheRestIsLeftToTheReaderWithoutAnyReset() {
        NoOffsetReset fromGroup = new NoOffsetReset(StartingPosition.COMMITTED.initializer());
        assertThat(fromGroup.getPartitionOffsets(List.of(COMMITTED, FRESH), GROUP))
                .containsEntry(COMMITTED, 42L).containsEntry(FRESH, KafkaPartitionSplit.EARLIEST_OFFSET);
        assertThat(fromGroup.getAutoOffsetResetStrategy()).isEqualTo(OffsetResetStrategy.NONE);

        assertThat(new NoOffsetReset(StartingPosition.LATEST.initializer()).getPartitionOffsets(List.of(FRESH), GROUP))
                .as("the connector's own latest, unchanged").containsEntry(FRESH, 100L);
        assertThat(new NoOffsetReset(OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
                .getPartitionOffsets(List.of(FRESH), GROUP)).containsEntry(FRESH, KafkaPartitionSplit.LATEST_OFFSET);
    }
}
