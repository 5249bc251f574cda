package dev.kappa.jobs.columnar;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.util.Collector;

/**
 * Picks, from what the FileSink committer has committed, the files readers can now see: a pending
 * file turned final whose name is not hidden. Compaction inputs (hidden) and clean-ups are skipped.
 */
final class VisibleFiles implements FlatMapFunction<CommittableMessage<FileSinkCommittable>, CommittedFile> {

    @Override
    public void flatMap(CommittableMessage<FileSinkCommittable> message, Collector<CommittedFile> out) {
        if (message instanceof CommittableWithLineage<FileSinkCommittable> lineage) {
            FileSinkCommittable committable = lineage.getCommittable();
            if (committable.hasPendingFile()) {
                Path path = committable.getPendingFile().getPath();
                if (path != null && !path.getName().startsWith(".")) {
                    out.collect(new CommittedFile(committable.getBucketId(), path.toString()));
                }
            }
        }
    }
}
