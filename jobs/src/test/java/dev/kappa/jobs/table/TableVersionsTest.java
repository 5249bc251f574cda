package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.kafka.LogRange;

class TableVersionsTest {

    @TempDir
    Path warehouse;

    private TableVersions versions() {
        return TableVersions.of(warehouse.toUri().toString(), "events");
    }

    private TableVersion built(TableVersions versions, int version) throws Exception {
        Files.createDirectories(warehouse.resolve("events").resolve("v" + version));
        versions.add(TableVersion.replay(version, "kappa-replay-events-v" + version,
                new LogRange("events.valid", Map.of(0, 0L, 1, 5L), Map.of(0, 10L, 1, 20L)), "file:///tmp/c"));
        return versions.update(version, v -> v.withRows(25).withState(VersionState.READY));
    }

    @Test
    void historyRoundTripsAndNextVersionSkipsDirectoriesOnDisk() throws Exception {
        TableVersions versions = versions();
        assertThat(versions.list()).isEmpty();
        assertThat(versions.current()).isEmpty();
        TableVersion v1 = built(versions, 1);
        Files.createDirectories(warehouse.resolve("events").resolve("v7"));

        assertThat(versions().require(1)).isEqualTo(v1);
        assertThat(versions().require(1).range().size()).isEqualTo(25);
        assertThat(versions.nextVersion()).isEqualTo(8);
        assertThat(TableVersions.parseVersion("v12")).isEqualTo(12);
        assertThat(TableVersions.parseVersion("3")).isEqualTo(3);
        assertThatThrownBy(() -> TableVersions.parseVersion("v0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> versions.require(4)).hasMessageContaining("has no version v4");
    }

    @Test
    void publishSwitchesCurrentRetiresThePreviousAndRollbackReturnsToIt() throws Exception {
        TableVersions versions = versions();
        built(versions, 1);
        built(versions, 2);
        versions.publish(1);
        assertThat(Files.readString(warehouse.resolve("events").resolve(TableVersions.CURRENT))).isEqualTo("v1\n");

        versions.publish(2);
        assertThat(versions.current()).isEqualTo(OptionalInt.of(2));
        assertThat(versions.require(1).state()).isEqualTo(VersionState.RETIRED);
        assertThat(versions.require(2).state()).isEqualTo(VersionState.PUBLISHED);

        assertThat(versions.rollback()).isEqualTo(1);
        assertThat(versions.current()).isEqualTo(OptionalInt.of(1));
        assertThat(versions.require(2).state()).isEqualTo(VersionState.RETIRED);
        try (var files = Files.list(warehouse.resolve("events"))) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left behind")
                    .containsExactlyInAnyOrder("_CURRENT", "_versions.json", "v1", "v2");
        }
    }

    @Test
    void refusesToPublishUnfinishedOrFailedVersionsAndToDropThePublishedOne() throws Exception {
        TableVersions versions = versions();
        built(versions, 1);
        versions.publish(1);
        versions.add(TableVersion.replay(2, "r", new LogRange("t", Map.of(0, 0L), Map.of(0, 1L)), "file:///c"));
        assertThatThrownBy(() -> versions.publish(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is building");
        versions.update(2, v -> v.withState(VersionState.READY).withAudit("failed"));
        assertThatThrownBy(() -> versions.publish(2)).hasMessageContaining("its audit failed");
        assertThatThrownBy(() -> versions.drop(1)).hasMessageContaining("refusing to drop events v1");
        assertThat(versions.current()).isEqualTo(OptionalInt.of(1));

        versions.drop(2);
        assertThat(versions.require(2).state()).isEqualTo(VersionState.DROPPED);
        assertThat(warehouse.resolve("events").resolve("v1")).exists();
        assertThat(warehouse.resolve("events").resolve("v2")).doesNotExist();
    }
}
