package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;

/** kappa query: DuckDB over exactly the files a version's snapshot lists, by the table's name. */
class TableQueryTest {

    @TempDir
    Path warehouse;

    private TableVersions versions;
    private ColumnarSettings settings;

    @BeforeEach
    void tableWithTwoCommittedFilesAndAStrayOne() throws Exception {
        ColumnarSettings configured = ColumnarSettings.from(KappaConfig.load(null,
                List.of("columnar.warehouse=" + warehouse.toUri(), "columnar.fields.amount=double"),
                AllOptions.list()));
        versions = TableVersions.open(configured.catalog(), configured.table());
        settings = ColumnarJob.registerVersion(versions, configured, "test", "events.unique");
        VersionWriter writer = new VersionWriter(versions, 1);
        writer.append(List.of(file("a", "{\"amount\":1.5,\"note\":\"x, \\\"y\\\"\"}"),
                file("b", "{\"amount\":2.5}")), Map.of(VersionWriter.WRITER, "test"));
        file("stray", "{\"amount\":100}"); // visible on disk, never committed: not part of the table
    }

    @Test
    void readsTheSnapshotsFilesByTheTablesNameInEveryFormat() throws Exception {
        TableQuery.Result byName = TableQuery.run(versions, 1, "SELECT count(*) AS n, sum(amount) AS total FROM events");
        assertThat(byName.rows()).containsExactly(List.of(2L, 4.0));
        assertThat(TableQuery.run(versions, 1, "SELECT count(*) FROM kappa.lake.events").rows())
                .containsExactly(List.of(2L));
        assertThat(byName.render(TableQuery.Format.TABLE)).isEqualTo("""
                n | total
                --+------
                2 |   4.0
                (1 row)
                """);
        TableQuery.Result notes = TableQuery.run(versions, 1,
                "SELECT event_id, json_extract_string(payload, '$.note') AS note FROM events ORDER BY event_id");
        assertThat(notes.render(TableQuery.Format.CSV)).isEqualTo("event_id,note\na,\"x, \"\"y\"\"\"\nb,\n");
        assertThat(notes.render(TableQuery.Format.JSON))
                .isEqualTo("{\"event_id\":\"a\",\"note\":\"x, \\\"y\\\"\"}\n{\"event_id\":\"b\",\"note\":null}\n");
    }

    @Test
    void anEmptyVersionHasItsColumnsAndNoRows() throws Exception {
        versions.add(TableVersion.live(2, "test", "events.unique"), settings.schema());
        TableQuery.Result empty = TableQuery.run(versions, 2, "SELECT count(*), count(amount) FROM events");
        assertThat(empty.rows()).containsExactly(List.of(0L, 0L));
    }

    @Test
    void aBadQueryFailsWithDuckDbsReason() {
        assertThatThrownBy(() -> TableQuery.run(versions, 1, "SELECT nope FROM events"))
                .hasMessageContaining("nope");
    }

    private VersionWriter.NewFile file(String id, String payload) throws Exception {
        return TableFixtures.oneRowFile(settings, id, payload);
    }
}
