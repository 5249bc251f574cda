package dev.kappa.common.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;

import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * A Kafka source reader that stops its job, without restarts, when the log has deleted records it
 * was about to read: a restart would resume at the same lost position and fail again forever, and
 * resuming at a later offset would lose the records without a word. The message names the offsets
 * lost and what to do.
 */
final class GapStoppingReader<T> implements SourceReader<T, KafkaPartitionSplit> {

    private final SourceReader<T, KafkaPartitionSplit> reader;
    private final KafkaSettings settings;

    GapStoppingReader(SourceReader<T, KafkaPartitionSplit> reader, KafkaSettings settings) {
        this.reader = reader;
        this.settings = settings;
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
        try {
            return reader.pollNext(output);
        } catch (Exception e) {
            Optional<OffsetOutOfRangeException> gap = ExceptionUtils.findThrowable(e, OffsetOutOfRangeException.class);
            if (gap.isEmpty()) {
                throw e;
            }
            throw new SuppressRestartsException(
                    new LogGapException(describe(gap.get().offsetOutOfRangePartitions()), e));
        }
    }

    private String describe(Map<TopicPartition, Long> positions) {
        StringJoiner lost = new StringJoiner("; ");
        StringJoiner beyond = new StringJoiner("; ");
        Map<TopicPartition, Long> earliest = offsets(positions.keySet(), OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = offsets(positions.keySet(), OffsetSpec.latest());
        positions.forEach((partition, offset) -> {
            Long end = latest.get(partition);
            if (end != null && offset > end) {
                beyond.add(partition + " offset " + offset + ", its end is " + end);
            } else {
                Long first = earliest.get(partition);
                lost.add(partition + " offsets " + offset + " to " + (first != null ? Long.toString(first - 1) : "?"));
            }
        });
        String what = lost.length() > 0
                ? "records were deleted from the log before this job read them (" + lost + "; the topic's "
                        + "retention.ms/retention.bytes or a deleteRecords call removed them)"
                : "the job's position is past the end of the log (" + beyond + "; the topic was recreated, or "
                        + "records were lost in an unclean leader election)";
        return what + ". The job stopped rather than skip them. To rebuild what is lost, re-send it from its "
                + "source; to go on without it, start the job afresh (no savepoint) with its start position set to "
                + "earliest.";
    }

    /** Where each partition's log begins or ends now; empty if Kafka cannot say (the message then says "?"). */
    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (KafkaAdmin admin = new KafkaAdmin(settings)) {
            for (String topic : partitions.stream().map(TopicPartition::topic).distinct().toList()) {
                admin.offsets(topic, spec)
                        .forEach((partition, offset) -> offsets.put(new TopicPartition(topic, partition), offset));
            }
        } catch (RuntimeException unreachable) {
            return Map.of();
        }
        return offsets;
    }

    @Override
    public void start() {
        reader.start();
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        return reader.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return reader.isAvailable();
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        reader.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        reader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        reader.handleSourceEvents(sourceEvent);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        reader.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        reader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> splitsToPause, Collection<String> splitsToResume) {
        reader.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
        reader.close();
    }
}
