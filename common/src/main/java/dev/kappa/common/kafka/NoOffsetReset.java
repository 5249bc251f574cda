package dev.kappa.common.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Starting offsets resolved to real offsets when the job starts (a group's committed offset, else
 * the earliest or latest as {@code delegate} says), so that the readers need no offset reset at all:
 * the connector hands its initializer's reset strategy to the consumers as {@code auto.offset.reset},
 * and any reset there would also apply to a position the log has deleted, silently skipping it.
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
        Map<TopicPartition, Long> earliest = null;
        Map<TopicPartition, Long> latest = null;
        for (Map.Entry<TopicPartition, Long> entry : offsets.entrySet()) {
            long offset = entry.getValue();
            TopicPartition partition = entry.getKey();
            if (offset == KafkaPartitionSplit.COMMITTED_OFFSET) {
                if (committed == null) {
                    committed = retriever.committedOffsets(partitions);
                }
                Long at = committed.get(partition);
                if (at != null && at >= 0) {
                    entry.setValue(at);
                    continue;
                }
                offset = delegate.getAutoOffsetResetStrategy() == OffsetResetStrategy.LATEST
                        ? KafkaPartitionSplit.LATEST_OFFSET : KafkaPartitionSplit.EARLIEST_OFFSET;
            }
            if (offset == KafkaPartitionSplit.EARLIEST_OFFSET) {
                if (earliest == null) {
                    earliest = retriever.beginningOffsets(partitions);
                }
                entry.setValue(earliest.get(partition));
            } else if (offset == KafkaPartitionSplit.LATEST_OFFSET) {
                if (latest == null) {
                    latest = retriever.endOffsets(partitions);
                }
                entry.setValue(latest.get(partition));
            }
        }
        return offsets;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.NONE;
    }
}
