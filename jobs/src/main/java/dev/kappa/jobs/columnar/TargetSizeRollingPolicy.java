package dev.kappa.jobs.columnar;

import java.io.IOException;

import dev.kappa.jobs.table.TableRow;
import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Rolls a part file at every checkpoint (a Parquet file cannot be resumed after a failure) and when
 * it reaches the target size, so a busy partition does not grow one file without bound.
 */
final class TargetSizeRollingPolicy extends CheckpointRollingPolicy<TableRow, String> {

    private final long targetFileSize;

    TargetSizeRollingPolicy(long targetFileSize) {
        this.targetFileSize = targetFileSize;
    }

    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> file, TableRow row) throws IOException {
        return file.getSize() >= targetFileSize;
    }

    @Override
    public boolean shouldRollOnProcessingTime(PartFileInfo<String> file, long currentTime) {
        return false;
    }
}
