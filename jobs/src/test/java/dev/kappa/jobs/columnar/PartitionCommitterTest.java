package dev.kappa.jobs.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.SuccessMarkers;
import dev.kappa.jobs.table.TableFixtures;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;

class PartitionCommitterTest {

    private static final String PARTITION = TableFixtures.PARTITION;

    @TempDir
    Path warehouse;

    private ColumnarSettings settings;

    @BeforeEach
    void registerVersion() {
        ColumnarSettings configured = ColumnarSettings.from(KappaConfig.load(null,
                List.of("columnar.warehouse=" + warehouse.toUri()), AllOptions.list()));
        try (TableVersions versions = TableVersions.open(configured.catalog(), configured.table())) {
            settings = ColumnarJob.registerVersion(versions, configured, "test", "events.unique");
        }
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, CommittedFile, PartitionClosed, TableChange> harness()
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new PartitionCommitter(settings.versionPath(), 0)),
                CommittedFile::partition, PartitionClosed::partition,
                org.apache.flink.api.common.typeinfo.Types.STRING);
    }

    private Path marker() {
        return Path.of(URI.create(settings.versionPath())).resolve(PARTITION).resolve(SuccessMarkers.NAME);
    }

    /**
     * The hour closed and its timer fired while its last file was still in the Flink committer's
     * state; the job then restored, and that file came back before any watermark did.
     */
    @Test
    void aFileRestoredBeforeAnyWatermarkCompletesAnHourWhoseTimerHadFired() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            before.processElement2(new PartitionClosed(PARTITION, 1), 0);
            before.processBothWatermarks(new Watermark(HourPartitions.end(PARTITION)));
            assertThat(marker()).as("not complete yet: its file is not visible").doesNotExist();
            snapshot = before.snapshot(1, 0);
        }
        VersionWriter.NewFile file = TableFixtures.oneRowFile(settings, "a", null);
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            after.processElement1(new CommittedFile(PARTITION, file.path()), 0);
        }
        assertThat(marker()).exists();
    }

    /** A partition that only got late rows has no closed notice, hence no timer of its own. */
    @Test
    void aFileOfLateRowsAloneIsMarkedWhenEventTimePassesItsClose() throws Exception {
        VersionWriter.NewFile file = TableFixtures.oneRowFile(settings, "a", null);
        try (var harness = harness()) {
            harness.open();
            harness.processElement1(new CommittedFile(PARTITION, file.path()), 0);
            assertThat(marker()).doesNotExist();
            harness.processBothWatermarks(new Watermark(HourPartitions.end(PARTITION)));
        }
        assertThat(marker()).exists();
    }
}
