package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;

/** kappa table maintain: history and leftovers go, no retained version's file does. */
class TableMaintenanceTest {

    private static final int COMMITS = 30;

    @TempDir
    Path warehouse;

    private ColumnarSettings settings(int version) {
        return ColumnarSettings.from(KappaConfig.load(null,
                List.of("columnar.warehouse=" + warehouse.toUri(), "columnar.version=" + version), AllOptions.list()));
    }

    @Test
    void expiresHistoryAndDeletesOldLeftoversButNoRetainedVersionsFile() throws Exception {
        try (TableVersions versions = TableVersions.open(settings(1).catalog(), "events")) {
            ColumnarSettings v1 = ColumnarJob.registerVersion(versions, settings(1), "test", "events.unique");
            ColumnarSettings v2 = ColumnarJob.registerVersion(versions, settings(2), "test", "events.unique");
            for (int i = 0; i < COMMITS; i++) {
                for (ColumnarSettings v : List.of(v1, v2)) {
                    new VersionWriter(versions, v.version()).append(List.of(TableFixtures.oneRowFile(v, "e" + i, null)),
                            Map.of(VersionWriter.WRITER, "writer-" + v.version(), VersionWriter.CHECKPOINT, "" + i));
                }
            }
            ColumnarSettings v3 = ColumnarJob.registerVersion(versions, settings(3), "test", "events.unique");
            new VersionWriter(versions, 3).append(List.of(TableFixtures.oneRowFile(v3, "x", null)),
                    Map.of(VersionWriter.WRITER, "writer-3"));
            versions.drop(3);
            Path hour = Path.of(URI.create(v1.versionPath())).resolve(TableFixtures.PARTITION);
            Path crashed = Files.writeString(hour.resolve(".part-crashed.inprogress.1"), "x");
            Path marker = Files.writeString(hour.resolve("_SUCCESS"), "{}");
            // everything old, so that only being referenced keeps a file
            Path table = Path.of(URI.create(versions.iceberg().location()));
            try (Stream<Path> files = Files.walk(table)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
                }
            }
            Path running = Files.writeString(hour.resolve(".part-running.inprogress.2"), "x");

            TableMaintenance.Report report = TableMaintenance.run(versions, Duration.ZERO, Duration.ofDays(1));

            assertThat(report.snapshotsAfter()).isLessThan(report.snapshotsBefore());
            assertThat(report.metadataBytesAfter()).isLessThan(report.metadataBytesBefore());
            assertThat(crashed).doesNotExist();
            assertThat(running).as("younger than the grace period").exists();
            assertThat(marker).exists();
            for (int version : List.of(1, 2)) {
                assertThat(IcebergReads.rows(versions, version)).hasSize(COMMITS);
                assertThat(versions.files(version)).allMatch(f -> Files.exists(Path.of(URI.create(f).getPath())));
                assertThat(new VersionWriter(versions, version).lastCommittedCheckpoint("writer-" + version))
                        .as("the writer still finds its last commit").hasValue(COMMITS - 1);
            }
            assertThat(IcebergReads.published(versions.iceberg())).hasSize(COMMITS);
        }
    }
}
