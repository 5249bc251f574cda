package dev.kappa.jobs.table;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.util.SnapshotUtil;


/**
 * Adds the files a writer has made visible to its version's branch, one snapshot per commit, and
 * keeps the table's main branch on that version's newest snapshot while the version is published.
 * Each snapshot names its writer and the checkpoint it completes, so that a writer restored from a
 * checkpoint can tell what it has already committed.
 */
public final class VersionWriter {

    public static final String WRITER = "kappa.writer";
    public static final String CHECKPOINT = "kappa.checkpoint";
    /** Hourly partitions this snapshot makes complete (their _SUCCESS markers are written). */
    public static final String COMPLETED_PARTITIONS = "kappa.completed-partitions";
    /** How far back a restored writer looks for files it may already have committed. */
    private static final int RECENT_SNAPSHOTS = 20;
    private static final int ATTEMPTS = 20;

    private final TableVersions versions;
    private final TableVersion version;

    public VersionWriter(TableVersions versions, int version) {
        this.versions = versions;
        this.version = versions.require(version);
    }

    /** A visible Parquet file of the version and its hourly partition ({@code dt=YYYY-MM-DD/hr=HH}). */
    public record NewFile(String path, String partition) {
    }

    /**
     * Commits {@code files} to the version's branch in one snapshot with {@code summary}, and moves main
     * with it if the version is published (in the same catalog commit; a concurrent publish of another
     * version wins, and main is then left alone). Returns the snapshot.
     */
    public Snapshot append(List<NewFile> files, Map<String, String> summary) {
        Table table = versions.iceberg();
        List<DataFile> dataFiles = new ArrayList<>();
        MetricsConfig metrics = MetricsConfig.forTable(table);
        for (NewFile file : files) {
            dataFiles.add(dataFile(table, metrics, file));
        }
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1) {
                table = versions.iceberg();
            }
            boolean published = version.name().equals(table.properties().get(TableVersions.PUBLISHED));
            Transaction transaction = table.newTransaction();
            // a merging append keeps the number of manifests, and so each snapshot's manifest list, bounded
            AppendFiles append = transaction.newAppend().toBranch(version.branch());
            dataFiles.forEach(append::appendFile);
            summary.forEach(append::set);
            append.commit();
            if (published) {
                transaction.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, version.branch()).commit();
            }
            try {
                transaction.commitTransaction();
                table = versions.iceberg();
                return table.snapshot(table.refs().get(version.branch()).snapshotId());
            } catch (ValidationException | IllegalArgumentException | CommitFailedException e) {
                if (attempt == ATTEMPTS) {
                    throw new IllegalStateException("could not commit " + files.size() + " files to "
                            + versions.table() + " " + version.name() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The last checkpoint {@code writer} committed to this version, if it committed any. */
    public OptionalLong lastCommittedCheckpoint(String writer) {
        for (Snapshot snapshot : history(versions.iceberg())) {
            if (writer.equals(snapshot.summary().get(WRITER))) {
                return OptionalLong.of(Long.parseLong(snapshot.summary().get(CHECKPOINT)));
            }
        }
        return OptionalLong.empty();
    }

    /** Files that {@code writer}'s most recent snapshots added: a restored writer may be handed them again. */
    public Set<String> recentlyCommitted(String writer) {
        Set<String> paths = new HashSet<>();
        Table table = versions.iceberg();
        int seen = 0;
        for (Snapshot snapshot : history(table)) {
            if (seen++ == RECENT_SNAPSHOTS) {
                break;
            }
            if (writer.equals(snapshot.summary().get(WRITER))) {
                snapshot.addedDataFiles(table.io()).forEach(file -> paths.add(file.location()));
            }
        }
        return paths;
    }

    /** The version's snapshots in {@code table}, newest first, read lazily. */
    private Iterable<Snapshot> history(Table table) {
        SnapshotRef ref = table.refs().get(version.branch());
        return ref == null ? List.of() : SnapshotUtil.ancestorsOf(ref.snapshotId(), table::snapshot);
    }

    private static DataFile dataFile(Table table, MetricsConfig metrics, NewFile file) {
        InputFile input = table.io().newInputFile(file.path());
        long hour = HourPartitions.end(file.partition()) / HourPartitions.HOUR_MILLIS - 1;
        return DataFiles.builder(table.spec())
                .withPath(file.path())
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(input.getLength())
                .withMetrics(ParquetUtil.fileMetrics(input, metrics))
                .withPartitionPath(table.spec().fields().get(0).name() + "=" + hour)
                .build();
    }
}
