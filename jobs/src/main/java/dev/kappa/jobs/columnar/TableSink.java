package dev.kappa.jobs.columnar;

import java.io.IOException;
import java.util.Collection;

import dev.kappa.jobs.table.TableRow;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.connector.file.sink.writer.FileWriterBucketState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Flink's FileSink (exactly-once two-phase commit, compaction) plus a post-commit step that sees
 * every file once it is visible, marks partitions complete and commits both to the Iceberg table. Everything but the post-commit
 * topology is the FileSink's own, so its state and guarantees are unchanged.
 */
final class TableSink implements Sink<TableRow>, SupportsWriterState<TableRow, FileWriterBucketState>,
        SupportsWriterState.WithCompatibleState, SupportsCommitter<FileSinkCommittable>,
        SupportsPreCommitTopology<FileSinkCommittable, FileSinkCommittable>,
        SupportsPostCommitTopology<FileSinkCommittable> {

    static final String COMMITTER_UID = "columnar-partition-committer";

    private final FileSink<TableRow> files;
    private final ColumnarSettings settings;
    /** Only needed while the job graph is built, on the client. */
    private final transient DataStream<PartitionClosed> closedPartitions;

    TableSink(FileSink<TableRow> files, ColumnarSettings settings, DataStream<PartitionClosed> closedPartitions) {
        this.files = files;
        this.settings = settings;
        this.closedPartitions = closedPartitions;
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<FileSinkCommittable>> committables) {
        committables
                .flatMap(new VisibleFiles()).name("visible files").uid("columnar-visible-files")
                .keyBy(CommittedFile::partition)
                .connect(closedPartitions.keyBy(PartitionClosed::partition))
                .process(new PartitionCommitter(settings.versionPath(), settings.commitDelay().toMillis()))
                .name("mark complete partitions (_SUCCESS)").uid(COMMITTER_UID)
                .transform("commit to the Iceberg table", Types.VOID,
                        new TableCommitter(settings.catalog(), settings.table(), settings.version()))
                .uid(TableCommitter.UID).setParallelism(1);
    }

    @Override
    public SinkWriter<TableRow> createWriter(WriterInitContext context) throws IOException {
        return files.createWriter(context);
    }

    @Override
    public StatefulSinkWriter<TableRow, FileWriterBucketState> restoreWriter(WriterInitContext context,
            Collection<FileWriterBucketState> recoveredState) throws IOException {
        return files.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<FileWriterBucketState> getWriterStateSerializer() {
        return files.getWriterStateSerializer();
    }

    @Override
    public Collection<String> getCompatibleWriterStateNames() {
        return files.getCompatibleWriterStateNames();
    }

    @Override
    public Committer<FileSinkCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return files.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<FileSinkCommittable> getCommittableSerializer() {
        return files.getCommittableSerializer();
    }

    @Override
    public DataStream<CommittableMessage<FileSinkCommittable>> addPreCommitTopology(
            DataStream<CommittableMessage<FileSinkCommittable>> committables) {
        return files.addPreCommitTopology(committables);
    }

    @Override
    public SimpleVersionedSerializer<FileSinkCommittable> getWriteResultSerializer() {
        return files.getWriteResultSerializer();
    }
}
