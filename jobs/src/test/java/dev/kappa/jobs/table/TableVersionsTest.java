package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.LogRange;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarSettings;

/** Versions kept in a real Iceberg JDBC catalog (embedded SQLite), with concurrent committers. */
class TableVersionsTest {

    @TempDir
    Path warehouse;

    /** Settings that choose the catalog; none means the embedded SQLite file in the warehouse. */
    List<String> catalogSettings() {
        return List.of();
    }

    private ColumnarSettings settings(String... extra) {
        List<String> overrides = new ArrayList<>(List.of(extra));
        overrides.add("columnar.warehouse=" + warehouse.toUri());
        overrides.addAll(catalogSettings());
        return ColumnarSettings.from(KappaConfig.load(null, overrides, AllOptions.list()));
    }

    private TableVersions versions() {
        return TableVersions.open(settings().catalog(), "events");
    }

    private static TableVersion built(TableVersions versions, int version, TableSchema columns) {
        versions.add(TableVersion.replay(version, "kappa-replay-events-v" + version,
                new LogRange("events.valid", Map.of(0, 0L, 1, 5L), Map.of(0, 10L, 1, 20L)), "file:///tmp/c"), columns);
        return versions.update(version, v -> v.withRows(25).withState(VersionState.READY).withAudit("passed"));
    }

    @Test
    void versionsRoundTripThroughTheCatalogAndNextVersionSkipsDirectoriesOnDisk() throws Exception {
        try (TableVersions versions = versions()) {
            assertThat(versions.list()).isEmpty();
            assertThat(versions.current()).isEmpty();
            TableVersion v1 = built(versions, 1, settings().schema());
            Files.createDirectories(warehouse.resolve("events").resolve("v7"));

            try (TableVersions reopened = versions()) {
                assertThat(reopened.require(1)).isEqualTo(v1);
                assertThat(reopened.require(1).range().size()).isEqualTo(25);
                assertThat(reopened.require(1).schemaId()).isNotNull();
            }
            assertThat(versions.nextVersion()).isEqualTo(8);
            assertThat(TableVersions.parseVersion("v12")).isEqualTo(12);
            assertThat(TableVersions.parseVersion("3")).isEqualTo(3);
            assertThatThrownBy(() -> TableVersions.parseVersion("v0")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> versions.require(4)).hasMessageContaining("has no version v4");
        }
    }

    @Test
    void aTableOfTheOldLayoutIsRefusedWithWhatToDo() throws Exception {
        Path old = Files.createDirectories(warehouse.resolve("events"));
        Files.writeString(old.resolve("_CURRENT"), "v1\n");
        assertThatThrownBy(this::versions).hasMessageContaining("holds a table of the old layout")
                .hasMessageContaining("kappa replay --publish");
    }

    @Test
    void theEmbeddedCatalogIsASqliteFileInTheWarehouse() {
        assumeTrue(catalogSettings().isEmpty());
        try (TableVersions versions = versions()) {
            assertThat(versions.catalog().uri()).startsWith("jdbc:sqlite:");
            assertThat(warehouse.resolve(CatalogSettings.SQLITE_FILE)).exists();
        }
    }

    @Test
    void publishMovesMainAndTheSchemaTogetherRetiresThePreviousAndRollbackReturnsToIt() throws Exception {
        try (TableVersions versions = versions()) {
            built(versions, 1, settings().schema());
            built(versions, 2, settings("columnar.fields.amount=double").schema());
            assertThat(versions.columnsOf(2, settings("columnar.fields.amount=double").schema()).columnIds())
                    .containsKey("amount");
            assertThatThrownBy(() -> versions.columnsOf(1, settings("columnar.fields.amount=double").schema()))
                    .hasMessageContaining("A version's columns are fixed");
            writeFile(versions, 2, "dt=2026-03-01/hr=00", "a.parquet");

            versions.publish(1);
            Table table = versions.iceberg();
            assertThat(table.currentSnapshot().snapshotId()).isEqualTo(versions.head(1).snapshotId());
            assertThat(table.schema().findField("amount")).isNull();

            versions.publish(2);
            table = versions.iceberg();
            assertThat(versions.current()).isEqualTo(OptionalInt.of(2));
            assertThat(table.currentSnapshot().snapshotId()).isEqualTo(versions.head(2).snapshotId());
            assertThat(table.schema().findField("amount")).as("readers see the published version's columns").isNotNull();
            assertThat(versions.require(1).state()).isEqualTo(VersionState.RETIRED);
            assertThat(versions.require(2).state()).isEqualTo(VersionState.PUBLISHED);

            assertThat(versions.rollback()).isEqualTo(1);
            assertThat(versions.current()).isEqualTo(OptionalInt.of(1));
            assertThat(versions.iceberg().schema().findField("amount")).isNull();
            assertThat(versions.require(2).state()).isEqualTo(VersionState.RETIRED);
        }
    }

    @Test
    void aPublishedVersionsMainFollowsItsWriterAndOtherVersionsStayApart() throws Exception {
        try (TableVersions versions = versions()) {
            built(versions, 1, settings().schema());
            built(versions, 2, settings().schema());
            versions.publish(1);
            writeFile(versions, 1, "dt=2026-03-01/hr=00", "a.parquet");
            writeFile(versions, 2, "dt=2026-03-01/hr=00", "b.parquet");

            assertThat(versions.files(1)).singleElement().asString().endsWith("/v1/dt=2026-03-01/hr=00/a.parquet");
            assertThat(versions.files(2)).singleElement().asString().endsWith("/v2/dt=2026-03-01/hr=00/b.parquet");
            assertThat(versions.iceberg().currentSnapshot().snapshotId()).as("main follows the published version")
                    .isEqualTo(versions.head(1).snapshotId());
            assertThat(versions.rowCount(1)).isEqualTo(1);
        }
    }

    @Test
    void refusesToPublishUnfinishedOrFailedVersionsAndToDropThePublishedOne() throws Exception {
        try (TableVersions versions = versions()) {
            built(versions, 1, settings().schema());
            versions.publish(1);
            versions.add(TableVersion.replay(2, "r", new LogRange("t", Map.of(0, 0L), Map.of(0, 1L)), "file:///c"),
                    settings().schema());
            assertThatThrownBy(() -> versions.publish(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("it is building");
            versions.update(2, v -> v.withState(VersionState.READY));
            assertThatThrownBy(() -> versions.publish(2)).hasMessageContaining("it has not passed an audit")
                    .hasMessageContaining("kappa audit --version v2");
            versions.update(2, v -> v.withAudit("failed"));
            assertThatThrownBy(() -> versions.publish(2)).hasMessageContaining("its audit failed");
            assertThatThrownBy(() -> versions.drop(1)).hasMessageContaining("refusing to drop events v1");
            versions.update(1, v -> v.withAudit("failed"));
            assertThatThrownBy(() -> versions.publish(1)).as("a published version that failed a later audit")
                    .hasMessageContaining("its audit failed");
            versions.update(1, v -> v.withAudit("passed"));
            assertThat(versions.current()).isEqualTo(OptionalInt.of(1));

            // a replay that follows the log takes over in one commit, once audited; what it took over
            // from can neither be published nor rolled back to
            versions.add(TableVersion.following(3, "f", new LogRange("t", Map.of(0, 0L), Map.of(0, 1L)), "file:///c"),
                    settings().schema());
            assertThatThrownBy(() -> versions.takeOver(3)).hasMessageContaining("passed its audit");
            versions.update(3, v -> v.withAudit("passed"));
            assertThat(versions.takeOver(3)).isEqualTo(OptionalInt.of(1));
            assertThat(versions.current()).isEqualTo(OptionalInt.of(3));
            assertThat(versions.require(1).takenOverBy()).isEqualTo(3);
            assertThat(versions.require(1).state()).isEqualTo(VersionState.RETIRED);
            assertThatThrownBy(() -> versions.publish(1)).hasMessageContaining("v3 took the table over from it")
                    .hasMessageContaining("kappa replay --follow");
            assertThatThrownBy(versions::rollback).hasMessageContaining("took the table over");
            assertThat(versions.current()).isEqualTo(OptionalInt.of(3));

            Files.createDirectories(warehouse.resolve("events").resolve("v2"));
            versions.drop(2);
            assertThat(versions.require(2).state()).isEqualTo(VersionState.DROPPED);
            assertThat(versions.iceberg().refs()).doesNotContainKey("v2");
            assertThat(warehouse.resolve("events").resolve("v2")).doesNotExist();
        }
    }

    @Test
    void concurrentCommittersLoseNothing() throws Exception {
        int perThread = 20;
        try (TableVersions setup = versions()) {
            built(setup, 1, settings().schema());
            built(setup, 2, settings().schema());
            setup.publish(1);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int writer = 1; writer <= 2; writer++) {
                int version = writer;
                done.add(threads.submit(() -> {
                    // each thread its own catalog connection, as two processes would have
                    try (TableVersions versions = versions()) {
                        for (int i = 0; i < perThread; i++) {
                            writeFile(versions, version, "dt=2026-03-01/hr=00", "f" + i + ".parquet");
                            int number = 100 * version + i;
                            built(versions, number, settings().schema());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
        try (TableVersions versions = versions()) {
            assertThat(versions.files(1)).hasSize(perThread);
            assertThat(versions.files(2)).hasSize(perThread);
            assertThat(versions.list()).hasSize(2 + 2 * perThread);
            assertThat(versions.iceberg().currentSnapshot().snapshotId()).isEqualTo(versions.head(1).snapshotId());
        }
    }

    /**
     * Commands started together on a new warehouse (a demo, a live job and a replay) all create the
     * catalog's tables, the namespace and the table at once: each must succeed, and only one empty
     * snapshot may land, so that main never moves off a version published in between.
     */
    @Test
    void commandsOpeningANewTableAtOnceAllSucceedAndLeaveOneEmptySnapshot() throws Exception {
        int commands = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(commands);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                done.add(threads.submit(() -> {
                    start.await();
                    try (TableVersions versions = versions()) {
                        return versions.iceberg().refs().keySet();
                    }
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
        try (TableVersions versions = versions()) {
            assertThat(versions.iceberg().snapshots()).as("snapshots of a table nobody wrote to").hasSize(1);
        }
    }

    /** Writes a one-row table file into a version's partition and commits it to the version's branch. */
    private void writeFile(TableVersions versions, int version, String partition, String name) throws Exception {
        ColumnarSettings settings = settings("columnar.version=" + version);
        ColumnarSettings columns = settings.withSchema(versions.columnsOf(version, columnsFor(versions, version)));
        VersionWriter.NewFile file = TableFixtures.oneRowFile(columns, name.replace(".parquet", ""), null);
        assertThat(file.partition()).isEqualTo(partition);
        new VersionWriter(versions, version).append(List.of(file), Map.of(VersionWriter.WRITER, "test-" + version));
    }

    /** The columns a version was registered with, as configured. */
    private TableSchema columnsFor(TableVersions versions, int version) {
        boolean amount = versions.iceberg().schemas().get(versions.require(version).schemaId())
                .findField("amount") != null;
        return amount ? settings("columnar.fields.amount=double").schema() : settings().schema();
    }
}
