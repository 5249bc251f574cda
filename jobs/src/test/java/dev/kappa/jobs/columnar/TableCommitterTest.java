package dev.kappa.jobs.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.table.TableFixtures;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;

/**
 * The Iceberg committer across failures, snapshot by snapshot: a file joins the version in exactly one
 * Iceberg snapshot whether the job dies before or after the commit of its checkpoint.
 */
@SuppressWarnings("try") // the harness's close() may throw InterruptedException; these tests never interrupt
class TableCommitterTest {

    private static final String PARTITION = TableFixtures.PARTITION;

    @TempDir
    Path warehouse;

    private ColumnarSettings settings;
    private TableVersions versions;

    @BeforeEach
    void registerVersion() {
        ColumnarSettings configured = ColumnarSettings.from(KappaConfig.load(null,
                List.of("columnar.warehouse=" + warehouse.toUri()), AllOptions.list()));
        versions = TableVersions.open(configured.catalog(), configured.table());
        settings = ColumnarJob.registerVersion(versions, configured, "test", "events.unique");
    }

    private OneInputStreamOperatorTestHarness<TableChange, Void> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new TableCommitter(settings.catalog(), settings.table(),
                settings.version()));
    }

    @Test
    void killedAfterTheRenameBeforeTheIcebergCommitTheFileIsCommittedOnceOnRestore() throws Exception {
        String a = file("a");
        String b = file("b");
        OperatorSubtaskState afterB;
        try (var first = harness()) {
            first.open();
            first.processElement(TableChange.file(PARTITION, a), 1);
            first.snapshot(1, 1);
            first.notifyOfCompletedCheckpoint(1);
            assertThat(committedFiles()).containsExactly(a);
            first.processElement(TableChange.file(PARTITION, b), 2);
            afterB = first.snapshot(2, 2);
            // killed here: checkpoint 2 is complete, but its notification (the Iceberg commit) never came
        }
        try (var restored = harness()) {
            restored.initializeState(afterB);
            restored.open();
            assertThat(committedFiles()).as("restoring opens nothing and commits nothing yet").containsExactly(a);
            // a restored FileSink may pass on a file it had already handed over
            restored.processElement(TableChange.file(PARTITION, b), 3);
            restored.snapshot(3, 3);
            restored.notifyOfCompletedCheckpoint(3);
            // ... or after the restored changes were committed
            restored.processElement(TableChange.file(PARTITION, b), 4);
            restored.snapshot(4, 4);
            restored.notifyOfCompletedCheckpoint(4);
        }
        assertThat(committedFiles()).as("each file once").containsExactlyInAnyOrder(a, b);
        assertThat(snapshotsWithFiles()).isEqualTo(2);
    }

    @Test
    void killedAfterTheIcebergCommitNothingIsCommittedTwice() throws Exception {
        String a = file("a");
        OperatorSubtaskState atOne;
        try (var first = harness()) {
            first.open();
            first.processElement(TableChange.file(PARTITION, a), 1);
            atOne = first.snapshot(1, 1);
            first.notifyOfCompletedCheckpoint(1);
            first.processElement(TableChange.complete(PARTITION), 2);
            // killed before checkpoint 2: the restore point is checkpoint 1, whose commit happened
        }
        try (var restored = harness()) {
            restored.initializeState(atOne);
            restored.open();
            restored.processElement(TableChange.complete(PARTITION), 2);
            restored.snapshot(2, 2);
            restored.notifyOfCompletedCheckpoint(2);
        }
        assertThat(committedFiles()).containsExactly(a);
        Snapshot head = versions.head(settings.version());
        assertThat(head.summary()).containsEntry(VersionWriter.COMPLETED_PARTITIONS, PARTITION)
                .containsEntry(VersionWriter.CHECKPOINT, "2");
        assertThat(versions.iceberg().currentSnapshot().snapshotId()).as("the published version's main follows")
                .isEqualTo(head.snapshotId());
    }

    @Test
    void aRestoredWriterFindsItsLastCommitHoweverManySnapshotsCameAfterIt() throws Exception {
        String a = file("a");
        OperatorSubtaskState atOne;
        try (var first = harness()) {
            first.open();
            first.processElement(TableChange.file(PARTITION, a), 1);
            atOne = first.snapshot(1, 1);
            first.notifyOfCompletedCheckpoint(1);
        }
        VersionWriter other = new VersionWriter(versions, settings.version());
        for (int i = 0; i < 30; i++) {
            other.append(List.of(), java.util.Map.of(VersionWriter.WRITER, "another writer"));
        }
        try (var restored = harness()) {
            restored.initializeState(atOne);
            restored.open();
            restored.processElement(TableChange.complete(PARTITION), 2);
            restored.snapshot(2, 2);
            restored.notifyOfCompletedCheckpoint(2);
        }
        assertThat(committedFiles()).containsExactly(a);
    }

    @Test
    void checkpointsWithNothingNewMakeNoSnapshot() throws Exception {
        try (var harness = harness()) {
            harness.open();
            long before = versions.head(settings.version()).snapshotId();
            harness.snapshot(1, 1);
            harness.notifyOfCompletedCheckpoint(1);
            assertThat(versions.head(settings.version()).snapshotId()).isEqualTo(before);
        }
    }

    private List<String> committedFiles() {
        return versions.files(settings.version());
    }

    private int snapshotsWithFiles() {
        int count = 0;
        for (Snapshot s = versions.head(settings.version()); s != null;
                s = s.parentId() == null ? null : versions.iceberg().snapshot(s.parentId())) {
            count += s.addedDataFiles(versions.iceberg().io()).iterator().hasNext() ? 1 : 0;
        }
        return count;
    }

    private String file(String id) throws Exception {
        return TableFixtures.oneRowFile(settings, id, null).path();
    }
}
