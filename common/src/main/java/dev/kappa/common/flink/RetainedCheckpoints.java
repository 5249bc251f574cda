package dev.kappa.common.flink;

import java.io.IOException;
import java.util.Optional;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Finds what a stopped or killed job left to resume from. Checkpoints are retained on cancellation
 * ({@link FlinkEnvironments}) under {@code <checkpoint.dir>/<job id>/chk-<n>}; one is complete once
 * its {@code _metadata} exists, which Flink writes last.
 */
public final class RetainedCheckpoints {

    private RetainedCheckpoints() {
    }

    /** The newest complete checkpoint of any job under {@code checkpointDir}, as a recovery path. */
    public static Optional<String> latest(String checkpointDir) throws IOException {
        Path root = new Path(checkpointDir);
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            return Optional.empty();
        }
        Path newest = null;
        long newestTime = Long.MIN_VALUE;
        for (FileStatus job : fs.listStatus(root)) {
            if (!job.isDir()) {
                continue;
            }
            for (FileStatus checkpoint : fs.listStatus(job.getPath())) {
                Path metadata = new Path(checkpoint.getPath(), "_metadata");
                if (checkpoint.isDir() && checkpoint.getPath().getName().startsWith("chk-") && fs.exists(metadata)) {
                    long time = fs.getFileStatus(metadata).getModificationTime();
                    if (time > newestTime) {
                        newestTime = time;
                        newest = checkpoint.getPath();
                    }
                }
            }
        }
        return Optional.ofNullable(newest).map(Path::toString);
    }
}
