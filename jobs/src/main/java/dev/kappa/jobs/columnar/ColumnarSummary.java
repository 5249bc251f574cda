package dev.kappa.jobs.columnar;

import java.io.IOException;
import java.time.Duration;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.fs.Path;

import dev.kappa.common.metrics.Tally;
import dev.kappa.jobs.table.FileProvenance;
import dev.kappa.jobs.table.TableScan;

/**
 * What a bounded columnar run did: rows converted as counted by the job, and what the table now
 * holds as read back from its files (exact whatever failures happened on the way).
 */
public record ColumnarSummary(long rows, long lateRows, Duration runtime, String table, TableStats stats) {

    /** The table version as a reader finds it. */
    public record TableStats(int partitions, int completePartitions, int files, long bytes, long rows) {

        public static TableStats of(String versionPath) throws IOException {
            int partitions = 0;
            int complete = 0;
            int files = 0;
            long bytes = 0;
            long rows = 0;
            for (TableScan.Partition partition : TableScan.partitions(versionPath)) {
                partitions++;
                complete += partition.complete() ? 1 : 0;
                rows += partition.sum(FileProvenance.ROWS);
                for (Path file : partition.files()) {
                    files++;
                    bytes += file.getFileSystem().getFileStatus(file).getLen();
                }
            }
            return new TableStats(partitions, complete, files, bytes, rows);
        }

        @Override
        public String toString() {
            return String.format("%d rows in %d files (%.1f MB, %d bytes/row) over %d partitions, %d complete", rows,
                    files, bytes / 1e6, rows == 0 ? 0 : bytes / rows, partitions, completePartitions);
        }
    }

    public static ColumnarSummary of(JobExecutionResult result, ColumnarSettings settings) {
        try {
            return new ColumnarSummary(Tally.total(result, PartitionTracker.ROWS),
                    Tally.total(result, PartitionTracker.LATE_ROWS), Duration.ofMillis(result.getNetRuntime()),
                    settings.versionPath(), TableStats.of(settings.versionPath()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read back table " + settings.versionPath(), e);
        }
    }

    public long rowsPerSecond() {
        return runtime.isZero() ? rows : rows * 1000 / runtime.toMillis();
    }

    @Override
    public String toString() {
        return String.format("%d rows in %.1f s (%d rows/s), %d late; %s now holds %s", rows,
                runtime.toMillis() / 1000.0, rowsPerSecond(), lateRows, table, stats);
    }
}
