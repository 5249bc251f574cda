package dev.kappa.common.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Starting offsets the readers can take without any offset reset: a group's committed offset is
 * looked up when the job starts (else the earliest or latest as {@code delegate} says, which the
 * reader seeks to explicitly). The connector hands its initializer's reset strategy to the consumers
 * as {@code auto.offset.reset}, and any reset there would also apply to a position the log has
 * deleted, silently skipping it.
 */
@SuppressWarnings("deprecation") // the connector's API still takes the client's deprecated enum
final class NoOffsetReset implements OffsetsInitializer {

    private static final long serialVersionUID = 1L;

    private final OffsetsInitializer delegate;

    NoOffsetReset(OffsetsInitializer delegate) {
        this.delegate = delegate;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(Collection<TopicPartition> partitions,
            PartitionOffsetsRetriever retriever) {
        Map<TopicPartition, Long> offsets = new HashMap<>(delegate.getPartitionOffsets(partitions, retriever));
        Map<TopicPartition, Long> committed = null;
        for (Map.Entry<TopicPartition, Long> entry : offsets.entrySet()) {
            if (entry.getValue() != KafkaPartitionSplit.COMMITTED_OFFSET) {
                continue;
            }
            if (committed == null) {
                committed = retriever.committedOffsets(partitions);
            }
            Long at = committed.get(entry.getKey());
            // earliest and latest stay markers: the reader seeks to them itself, which needs no reset
            // and, for latest, stops at the last stable offset as a read_committed consumer should
            entry.setValue(at != null && at >= 0 ? at
                    : delegate.getAutoOffsetResetStrategy() == OffsetResetStrategy.LATEST
                            ? KafkaPartitionSplit.LATEST_OFFSET : KafkaPartitionSplit.EARLIEST_OFFSET);
        }
        return offsets;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.NONE;
    }
}
