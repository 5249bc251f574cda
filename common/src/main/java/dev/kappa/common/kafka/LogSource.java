package dev.kappa.common.kafka;

import java.io.IOException;
import java.util.List;

import javax.annotation.Nullable;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;

/**
 * Every Kafka source of the suite: a {@link KafkaSource} that never skips records it has not read,
 * and, when bounded, also ends after a restore.
 *
 * <p>No skipped records: its consumers have no offset reset ({@link NoOffsetReset}), so a position
 * the log no longer holds (deleted by retention before it was read) fails the reader, and
 * {@link GapStoppingReader} turns that failure into one that stops the job without restarts, naming
 * the offsets lost. Kafka's default would resume at the earliest retained record without a word.
 *
 * <p>Ending after a restore: connector 5.0.0-2.2 never tells
 * the readers of a restored bounded source that no more splits will come (FLINK-31006, fix open):
 * they read up to their stopping offsets and then wait forever, so a resumed replay or bounded run
 * would never finish. When every split of the restored state is already assigned and the initial
 * discovery had finished, the enumerator has nothing left to hand out (a bounded source discovers
 * partitions once), so each reader is told so when it registers, after whatever the enumerator
 * assigned to it.
 */
final class LogSource<T> implements Source<T, KafkaPartitionSplit, KafkaSourceEnumState>, ResultTypeQueryable<T>,
        LineageVertexProvider {

    private final KafkaSource<T> kafka;
    private final KafkaSettings settings;

    LogSource(KafkaSource<T> kafka, KafkaSettings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return kafka.getBoundedness();
    }

    @Override
    public SourceReader<T, KafkaPartitionSplit> createReader(SourceReaderContext context) throws Exception {
        return new GapStoppingReader<>(kafka.createReader(context), settings);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> createEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context) {
        return kafka.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<KafkaPartitionSplit> context, KafkaSourceEnumState state) throws IOException {
        SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> restored = kafka.restoreEnumerator(context, state);
        boolean nothingLeft = getBoundedness() == Boundedness.BOUNDED && state.initialDiscoveryFinished()
                && state.unassignedSplits().isEmpty();
        return nothingLeft ? new Finishing(restored, context) : restored;
    }

    @Override
    public SimpleVersionedSerializer<KafkaPartitionSplit> getSplitSerializer() {
        return kafka.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KafkaSourceEnumState> getEnumeratorCheckpointSerializer() {
        return kafka.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return kafka.getProducedType();
    }

    @Override
    public LineageVertex getLineageVertex() {
        return kafka.getLineageVertex();
    }

    /** The restored enumerator, plus the end-of-splits signal it forgets to send. */
    private static final class Finishing implements SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> {

        private final SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator;
        private final SplitEnumeratorContext<KafkaPartitionSplit> context;

        Finishing(SplitEnumerator<KafkaPartitionSplit, KafkaSourceEnumState> enumerator,
                SplitEnumeratorContext<KafkaPartitionSplit> context) {
            this.enumerator = enumerator;
            this.context = context;
        }

        @Override
        public void start() {
            enumerator.start();
        }

        @Override
        public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
            enumerator.handleSplitRequest(subtaskId, requesterHostname);
        }

        @Override
        public void addSplitsBack(List<KafkaPartitionSplit> splits, int subtaskId) {
            enumerator.addSplitsBack(splits, subtaskId);
        }

        @Override
        public void addReader(int subtaskId) {
            enumerator.addReader(subtaskId); // assigns any split handed back by this reader, synchronously
            context.signalNoMoreSplits(subtaskId);
        }

        @Override
        public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
            enumerator.handleSourceEvent(subtaskId, sourceEvent);
        }

        @Override
        public KafkaSourceEnumState snapshotState(long checkpointId) throws Exception {
            return enumerator.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            enumerator.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void close() throws IOException {
            enumerator.close();
        }
    }
}
