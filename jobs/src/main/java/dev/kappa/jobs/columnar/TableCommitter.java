package dev.kappa.jobs.columnar;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.iceberg.Snapshot;

import dev.kappa.common.metrics.Tally;
import dev.kappa.jobs.table.CatalogSettings;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;

/**
 * Commits the files that have become visible, and the partitions that have become complete, to the
 * version's Iceberg branch: exactly once, as Iceberg's own Flink committer does. What arrives before
 * checkpoint n is kept in state with n and committed once n is complete, in one snapshot whose summary
 * names this writer and n. A writer restored from a checkpoint first looks up the last checkpoint it
 * committed and commits only what comes after it, so a file joins the table in exactly one snapshot
 * however the job fails. Nothing new since the last commit, nothing committed: snapshots follow the
 * visible files (compacted ones, with compaction on), not the checkpoints. Runs as one instance. The
 * catalog is opened at the first commit, not while the task starts: a restarting job is not held up
 * by it, and what was restored is committed with the first checkpoint after the restart.
 */
final class TableCommitter extends AbstractStreamOperator<Void> implements OneInputStreamOperator<TableChange, Void> {

    static final String UID = "columnar-table-committer";
    static final String JOB_ID = "kappa.flink-job-id";
    private static final int CHECKED_COMMITS_AFTER_RESTORE = 3;

    private final CatalogSettings catalog;
    private final String table;
    private final int version;
    private transient TableVersions versions;
    private transient VersionWriter writer;
    private transient String writerId;
    private transient List<TableChange> received;
    private transient NavigableMap<Long, List<TableChange>> pending;
    /** Commits left that check for files a restored FileSink hands over again (it does so as it restores). */
    private transient int commitsToCheck;
    /** The newest checkpoint of the restored pending changes, until the first commit has sorted them out. */
    private transient long restoredUpTo;
    private transient ListState<String> writerIdState;
    private transient ListState<Tuple3<Long, String, String>> pendingState;
    private transient Tally snapshots;

    TableCommitter(CatalogSettings catalog, String table, int version) {
        this.catalog = catalog;
        this.table = table;
        this.version = version;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        received = new ArrayList<>();
        pending = new TreeMap<>();
        writerIdState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("writer-id", Types.STRING));
        pendingState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pending-changes",
                Types.TUPLE(Types.LONG, Types.STRING, Types.STRING)));
        writerId = null;
        for (String id : writerIdState.get()) {
            writerId = id;
        }
        if (writerId == null) {
            writerId = UUID.randomUUID().toString();
        }
        commitsToCheck = context.isRestored() ? CHECKED_COMMITS_AFTER_RESTORE : 0;
        for (Tuple3<Long, String, String> change : pendingState.get()) {
            pending.computeIfAbsent(change.f0, k -> new ArrayList<>()).add(new TableChange(change.f1, change.f2));
        }
        restoredUpTo = pending.isEmpty() ? Long.MIN_VALUE : pending.lastKey();
    }

    @Override
    public void open() throws Exception {
        super.open();
        snapshots = Tally.register(getRuntimeContext(), "columnar_table_snapshots");
    }

    @Override
    public void processElement(StreamRecord<TableChange> element) {
        received.add(element.getValue());
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        if (!received.isEmpty()) {
            pending.computeIfAbsent(context.getCheckpointId(), k -> new ArrayList<>()).addAll(received);
            received.clear();
        }
        writerIdState.update(List.of(writerId));
        List<Tuple3<Long, String, String>> entries = new ArrayList<>();
        pending.forEach((checkpoint, changes) -> changes.forEach(change ->
                entries.add(Tuple3.of(checkpoint, change.partition(), change.path()))));
        pendingState.update(entries);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        commit(checkpointId);
    }

    private void commit(long checkpointId) {
        if (restoredUpTo != Long.MIN_VALUE) {
            // restored changes belong to the complete checkpoint the job restarted from: the writer may have
            // committed them before it failed
            long committed = writer().lastCommittedCheckpoint(writerId).orElse(Long.MIN_VALUE);
            pending.headMap(Math.min(committed, restoredUpTo), true).clear();
            restoredUpTo = Long.MIN_VALUE;
        }
        NavigableMap<Long, List<TableChange>> done = pending.headMap(checkpointId, true);
        if (done.isEmpty()) {
            return;
        }
        Map<String, VersionWriter.NewFile> files = new LinkedHashMap<>();
        Set<String> completed = new TreeSet<>();
        done.values().forEach(changes -> changes.forEach(change -> {
            if (change.isFile()) {
                files.put(change.path(), new VersionWriter.NewFile(change.path(), change.partition()));
            } else {
                completed.add(change.partition());
            }
        }));
        if (commitsToCheck > 0) {
            // a restored FileSink can hand over again files it had already passed on before the failure
            writer().recentlyCommitted(writerId).forEach(files::remove);
            commitsToCheck--;
        }
        if (!files.isEmpty() || !completed.isEmpty()) {
            Map<String, String> summary = new LinkedHashMap<>();
            summary.put(VersionWriter.WRITER, writerId);
            summary.put(VersionWriter.CHECKPOINT, Long.toString(checkpointId));
            summary.put(JOB_ID, getRuntimeContext().getJobInfo().getJobId().toString());
            if (!completed.isEmpty()) {
                summary.put(VersionWriter.COMPLETED_PARTITIONS, String.join(",", completed));
            }
            long started = System.nanoTime();
            Snapshot snapshot = writer().append(List.copyOf(files.values()), summary);
            snapshots.increment();
            LOG.info("Committed {} files{} to {} v{} as Iceberg snapshot {} (checkpoint {}) in {} ms", files.size(),
                    completed.isEmpty() ? "" : " and complete partitions " + completed, table, version,
                    snapshot.snapshotId(), checkpointId, (System.nanoTime() - started) / 1_000_000);
        }
        done.clear();
    }

    private VersionWriter writer() {
        if (writer == null) {
            versions = TableVersions.open(catalog, table);
            writer = new VersionWriter(versions, version);
        }
        return writer;
    }

    @Override
    public void close() throws Exception {
        if (versions != null) {
            versions.close();
        }
        super.close();
    }
}
