package dev.kappa.jobs.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.fs.AtomicFiles;

/** The {@code _SUCCESS} marker that tells readers a partition is complete. */
public final class SuccessMarkers {

    private static final Logger LOG = LoggerFactory.getLogger(SuccessMarkers.class);

    public static final String NAME = "_SUCCESS";

    private SuccessMarkers() {
    }

    /**
     * Written once, under a hidden name and then renamed, so a reader never sees a half-written
     * marker. A marker that is already there (a committer restored from before it wrote it) is kept:
     * object stores cannot rename onto an existing object.
     */
    public static void write(String versionPath, String partition, long onTimeRows) throws IOException {
        Path marker = new Path(new Path(versionPath, partition), NAME);
        if (marker.getFileSystem().exists(marker)) {
            return;
        }
        AtomicFiles.replace(marker,
                ("{\"on_time_rows\":" + onTimeRows + ",\"committed_at\":\"" + Instant.now() + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
        LOG.info("Marked {} complete ({} on-time rows): {}", partition, onTimeRows, marker);
    }

    /**
     * Marks every partition still unmarked after a bounded run has finished: its input ended, so the
     * watermark reached the end of time, and every file was committed when the job finished. Needed
     * because the files of the job's last checkpoint are committed as the job ends, too late for the
     * streaming committer to see them. {@code partitions} are the version's, as its directory lists them.
     * Returns the partitions it marked.
     */
    public static List<String> markAfterBoundedRun(String versionPath, List<TableScan.Partition> partitions)
            throws IOException {
        List<String> marked = new ArrayList<>();
        for (TableScan.Partition partition : partitions) {
            if (!partition.complete() && !partition.files().isEmpty()) {
                write(versionPath, partition.name(), partition.sum(FileProvenance.ON_TIME_ROWS));
                marked.add(partition.name());
            }
        }
        return marked;
    }
}
