package dev.kappa.jobs.table;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a table's metadata small and its directories clean; safe to run on a schedule while jobs
 * write. It expires snapshots older than a cut-off, but every branch keeps its newest snapshots
 * ({@code history.expire.min-snapshots-to-keep}), and a branch's newest snapshot lists all its files:
 * no retained version loses a file, and each writer still finds its last commit. Then it deletes
 * what no retained snapshot or metadata file references and is older than a grace period: files of
 * crashed writers (hidden in-progress files), of dropped versions, and old metadata. Markers
 * ({@code _SUCCESS}) stay.
 */
public final class TableMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

    private TableMaintenance() {
    }

    /** What one run did, and the size of the table's metadata before and after. */
    public record Report(int snapshotsBefore, int snapshotsAfter, int orphansDeleted, long orphanBytes,
            long metadataBytesBefore, long metadataBytesAfter) {

        @Override
        public String toString() {
            return String.format("expired %d of %d snapshots, deleted %d unreferenced files (%,d bytes); metadata "
                    + "%,d -> %,d bytes", snapshotsBefore - snapshotsAfter, snapshotsBefore, orphansDeleted,
                    orphanBytes, metadataBytesBefore, metadataBytesAfter);
        }
    }

    /**
     * @param snapshotAge snapshots older than this are expired (each branch keeps its newest ones)
     * @param orphanAge an unreferenced file must be at least this old to be deleted: a running writer's
     *     files join the table within a few checkpoints, so this must exceed any checkpoint's duration
     */
    public static Report run(TableVersions versions, Duration snapshotAge, Duration orphanAge) throws IOException {
        Table table = versions.iceberg();
        String location = table.location();
        long metadataBefore = bytesUnder(new Path(location, "metadata"));
        int snapshotsBefore = size(table.snapshots());
        long now = System.currentTimeMillis();
        table.expireSnapshots().expireOlderThan(now - snapshotAge.toMillis()).cleanExpiredFiles(true).commit();
        table = versions.iceberg();

        Set<String> referenced = referencedFiles(table);
        int[] orphans = {0};
        long[] orphanBytes = {0};
        long cutoff = now - orphanAge.toMillis();
        walk(new Path(location), file -> {
            String name = file.getPath().getName();
            if (!name.equals("_SUCCESS") && file.getModificationTime() < cutoff
                    && !referenced.contains(file.getPath().toUri().getPath())) {
                delete(file.getPath());
                orphans[0]++;
                orphanBytes[0] += file.getLen();
            }
        });
        Report report = new Report(snapshotsBefore, size(table.snapshots()), orphans[0], orphanBytes[0],
                metadataBefore, bytesUnder(new Path(location, "metadata")));
        LOG.info("Maintained {}: {}", versions.table(), report);
        return report;
    }

    /** Every file a retained snapshot or metadata file needs, as a path without scheme. */
    private static Set<String> referencedFiles(Table table) throws IOException {
        Set<String> referenced = new HashSet<>();
        // the current metadata and its log: older files were deleted as the table committed, and are not read
        ReachableFileUtil.metadataFileLocations(table, false).forEach(f -> referenced.add(pathOf(f)));
        ReachableFileUtil.manifestListLocations(table).forEach(f -> referenced.add(pathOf(f)));
        ReachableFileUtil.statisticsFilesLocations(table).forEach(f -> referenced.add(pathOf(f)));
        Set<String> manifests = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            for (ManifestFile manifest : snapshot.allManifests(table.io())) {
                if (manifests.add(manifest.path())) {
                    try (CloseableIterable<String> files = ManifestFiles.readPaths(manifest, table.io(), table.specs())) {
                        files.forEach(f -> referenced.add(pathOf(f)));
                    }
                }
            }
        }
        manifests.forEach(m -> referenced.add(pathOf(m)));
        return referenced;
    }

    private static String pathOf(String location) {
        return new Path(location).toUri().getPath();
    }

    private interface FileAction {
        void accept(FileStatus file) throws IOException;
    }

    private static void walk(Path directory, FileAction action) throws IOException {
        FileSystem fs = directory.getFileSystem();
        FileStatus[] children;
        try {
            children = fs.listStatus(directory);
        } catch (FileNotFoundException gone) {
            return;
        }
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            if (child.isDir()) {
                walk(child.getPath(), action);
            } else {
                action.accept(child);
            }
        }
    }

    private static long bytesUnder(Path directory) throws IOException {
        long[] bytes = {0};
        walk(directory, file -> bytes[0] += file.getLen());
        return bytes[0];
    }

    private static void delete(Path file) {
        try {
            file.getFileSystem().delete(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    private static int size(Iterable<?> items) {
        int count = 0;
        for (Object ignored : items) {
            count++;
        }
        return count;
    }
}
