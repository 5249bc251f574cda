package dev.kappa.jobs.columnar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.flink.core.fs.Path;

import dev.kappa.common.fs.AtomicFiles;

/** The {@code _SUCCESS} marker that tells readers a partition is complete. */
public final class SuccessMarkers {

    public static final String NAME = "_SUCCESS";

    private SuccessMarkers() {
    }

    /** Replaced atomically, so a reader never sees a half-written marker. */
    static void write(String versionPath, String partition, long onTimeRows) throws IOException {
        AtomicFiles.replace(new Path(new Path(versionPath, partition), NAME),
                ("{\"on_time_rows\":" + onTimeRows + ",\"committed_at\":\"" + Instant.now() + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Marks every partition still unmarked after a bounded run has finished: its input ended, so the
     * watermark reached the end of time, and every file was committed when the job finished. Needed
     * because the files of the job's last checkpoint are committed as the job ends, too late for the
     * streaming committer to see them. Returns how many partitions it marked.
     */
    public static int markAfterBoundedRun(String versionPath) throws IOException {
        int marked = 0;
        for (TableScan.Partition partition : TableScan.partitions(versionPath)) {
            if (!partition.complete() && !partition.files().isEmpty()) {
                write(versionPath, partition.name(), partition.sum(FileProvenance.ON_TIME_ROWS));
                marked++;
            }
        }
        return marked;
    }
}
