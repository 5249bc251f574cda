package dev.kappa.common.fs;

import java.io.IOException;
import java.io.OutputStream;
import java.util.UUID;

import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Small metadata files (markers, pointers) that readers must see whole or not at all: written under a
 * hidden name in the same directory, then renamed over the target. A rename within a directory is
 * atomic on local disks and HDFS; object stores replace the whole object on write.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    public static void replace(Path target, byte[] content) throws IOException {
        FileSystem fs = target.getFileSystem();
        Path temporary = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(temporary, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write(content);
        }
        if (!fs.rename(temporary, target)) {
            fs.delete(temporary, false);
            throw new IOException("could not replace " + target);
        }
    }
}
