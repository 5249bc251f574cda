package dev.kappa.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarSettings;

/** Table files written and read back without Flink: columns, types, provenance, compaction. */
class TableFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIME = 1_772_323_200_000L; // 2026-03-01T00:00:00Z

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void everyColumnComesBackWithItsTypeAndTheFooterTellsWhereRowsCameFrom(Compression codec)
            throws Exception {
        TableFileSettings settings = settings("columnar.compression=" + codec.name().toLowerCase(),
                "columnar.fields.amount=double", "columnar.fields.user=string", "columnar.fields.n=long",
                "columnar.fields.ok=boolean", "columnar.fields.at=timestamp");
        org.apache.flink.core.fs.Path file = write(settings, List.of(
                row(7, "{\"event_id\":\"a\",\"event_type\":\"click\",\"event_time\":\"2026-03-01T00:00:00Z\","
                        + "\"source\":\"web \\\"1\\\"\",\"payload\":{\"amount\":12.5,\"user\":\"Zoë\",\"n\":3,"
                        + "\"ok\":true,\"at\":\"2026-03-01T01:00:00+01:00\",\"deep\":{\"x\":[1,{\"y\":null}]}}}", false),
                row(9, "{\"event_id\":\"b\",\"event_type\":\"view\",\"event_time\":\"2026-03-01T00:00:00Z\","
                        + "\"payload\":{\"amount\":\"twelve\",\"user\":5,\"n\":1.5,\"ok\":null,\"at\":1772323200000}}",
                        true),
                row(12, "{\"event_id\":\"c\",\"event_type\":\"view\",\"event_time\":\"2026-03-01T00:00:00Z\"}",
                        false)));

        List<TableScan.Row> rows = new ArrayList<>();
        TableScan.forEachRow(tmp.resolve("table").toUri().toString(), rows::add);
        assertThat(rows).extracting(TableScan.Row::eventId).containsExactly("a", "b", "c");
        TableScan.Row a = rows.get(0);
        assertThat(a.eventType()).isEqualTo("click");
        assertThat(a.eventTimeMillis()).isEqualTo(TIME);
        assertThat(a.source()).isEqualTo("web \"1\"");
        assertThat(JSON.readTree(a.payload()).get("deep")).isEqualTo(JSON.readTree("{\"x\":[1,{\"y\":null}]}"));
        assertThat(a.projected()).containsEntry("amount", 12.5).containsEntry("user", "Zoë")
                .containsEntry("n", 3L).containsEntry("ok", true).containsEntry("at", TIME);
        assertThat(a.logPartition()).isEqualTo(1);
        assertThat(a.logOffset()).isEqualTo(7);
        TableScan.Row b = rows.get(1);
        assertThat(b.source()).isNull();
        assertThat(b.arrivedLate()).isTrue();
        assertThat(b.projected()).containsEntry("amount", null).containsEntry("user", null).containsEntry("n", null)
                .containsEntry("ok", null).containsEntry("at", TIME);
        assertThat(rows.get(2).payload()).isNull();

        Map<String, String> metadata = TableFileReader.metadata(file);
        assertThat(metadata).containsEntry(FileProvenance.SOURCE_TOPIC, "events.unique")
                .containsEntry(FileProvenance.SOURCE_OFFSETS, "1:7-12")
                .containsEntry(FileProvenance.ROWS, "3").containsEntry(FileProvenance.ON_TIME_ROWS, "2")
                .containsEntry(FileProvenance.FIELD_MISMATCHES, "3")
                .containsEntry(FileProvenance.TABLE, "events").containsEntry(FileProvenance.TABLE_VERSION, "1");
    }

    @Test
    void compactionReadsBackTheRowsItWasGivenWithTheirLatenessAndPosition() throws Exception {
        TableFileSettings settings = settings("columnar.fields.amount=double");
        List<TableRow> written = List.of(
                row(1, "{\"event_id\":\"a\",\"event_type\":\"click\",\"event_time\":\"2026-03-01T00:00:00Z\","
                        + "\"source\":\"s\",\"payload\":{\"amount\":1,\"t\":\"é\\n\"}}", false),
                row(2, "{\"event_id\":\"b\",\"event_type\":\"view\",\"event_time\":\"2026-03-01T00:00:00Z\"}", true));
        org.apache.flink.core.fs.Path file = write(settings, written);

        List<TableRow> read = new ArrayList<>();
        try (TableRowReader reader = new TableRowReader(file)) {
            TableRow row;
            while ((row = reader.read()) != null) {
                read.add(row);
            }
        }
        assertThat(read).hasSize(2);
        for (int i = 0; i < 2; i++) {
            LoggedEvent expected = written.get(i).logged();
            LoggedEvent actual = read.get(i).logged();
            assertThat(read.get(i).late()).isEqualTo(written.get(i).late());
            assertThat(actual.topic()).isEqualTo(expected.topic());
            assertThat(actual.partition()).isEqualTo(expected.partition());
            assertThat(actual.offset()).isEqualTo(expected.offset());
            assertThat(actual.event().eventId()).isEqualTo(expected.event().eventId());
            assertThat(actual.event().eventTimeMillis()).isEqualTo(expected.event().eventTimeMillis());
            assertThat(JSON.readTree(actual.event().json())).isEqualTo(JSON.readTree(expected.event().json()));
        }
    }

    @Test
    void compactionCopiesTheRowGroupsAndCombinesTheFootersProvenance() throws Exception {
        TableFileSettings settings = settings("columnar.fields.amount=double");
        org.apache.flink.core.fs.Path first = write(settings, List.of(
                row(3, event("a", "{\"amount\":1}"), false), row(1, event("b", "{\"amount\":\"x\"}"), false)),
                ".first.inprogress");
        org.apache.flink.core.fs.Path second = write(settings, List.of(
                row(9, event("c", "{\"amount\":3}"), true), row(5, event("d", null), false)), ".second.inprogress");

        org.apache.flink.core.fs.Path compacted = compact(settings, first, second);

        assertThat(rowsOf()).extracting(r -> r.eventId() + "@" + r.logOffset() + "=" + r.projected().get("amount"))
                .containsExactly("a@3=1.0", "b@1=null", "c@9=3.0", "d@5=null");
        assertThat(TableFileReader.metadata(compacted)).containsEntry(FileProvenance.SOURCE_OFFSETS, "1:1-9")
                .containsEntry(FileProvenance.ROWS, "4").containsEntry(FileProvenance.ON_TIME_ROWS, "3")
                .containsEntry(FileProvenance.FIELD_MISMATCHES, "1")
                .containsEntry(FileProvenance.SOURCE_TOPIC, "events.unique")
                .containsEntry(FileProvenance.TABLE, "events").containsEntry(FileProvenance.TABLE_VERSION, "1");
        try (var reader = TableFileReader.open(compacted)) {
            assertThat(reader.getRowGroups()).as("row groups copied, not rewritten").hasSize(2);
        }
    }

    @Test
    void compactionRewritesAFileOfAnotherSchemaIntoTheCurrentColumns() throws Exception {
        TableFileSettings before = settings();
        TableFileSettings now = settings("columnar.fields.amount=double");
        org.apache.flink.core.fs.Path old = write(before, List.of(row(1, event("a", "{\"amount\":2.5}"), false)),
                ".old.inprogress");
        org.apache.flink.core.fs.Path current = write(now, List.of(row(2, event("b", "{\"amount\":4}"), true)),
                ".current.inprogress");

        org.apache.flink.core.fs.Path compacted = compact(now, old, current);

        assertThat(rowsOf()).extracting(r -> r.eventId() + "=" + r.projected().get("amount") + "," + r.arrivedLate())
                .containsExactly("a=2.5,false", "b=4.0,true");
        try (var reader = TableFileReader.open(compacted)) {
            assertThat(reader.getFileMetaData().getSchema()).isEqualTo(now.schema().messageType());
            assertThat(reader.getRowGroups()).hasSize(1);
        }
        assertThat(TableFileReader.metadata(compacted)).containsEntry(FileProvenance.SOURCE_OFFSETS, "1:1-2")
                .containsEntry(FileProvenance.ROWS, "2").containsEntry(FileProvenance.ON_TIME_ROWS, "1");
    }

    /**
     * Compacts the (hidden) pieces into the partition's one visible file as FileSink does: it opens the
     * compacting file with the table's writer factory, lets the compactor fill its stream, then
     * finishes that writer.
     */
    private org.apache.flink.core.fs.Path compact(TableFileSettings settings, org.apache.flink.core.fs.Path... pieces)
            throws Exception {
        org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(pieces[0].getParent(),
                "compacted-0.parquet");
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem().create(target, FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<TableRow> fileSinkWriter = new TableFiles(settings).writerFactory().create(out);
            new TableFileCompactor(settings).compact(List.of(pieces), out);
            fileSinkWriter.flush();
            fileSinkWriter.finish();
        }
        return target;
    }

    private List<TableScan.Row> rowsOf() throws Exception {
        List<TableScan.Row> rows = new ArrayList<>();
        TableScan.forEachRow(tmp.resolve("table").toUri().toString(), rows::add);
        return rows;
    }

    private static String event(String id, String payload) {
        return "{\"event_id\":\"" + id + "\",\"event_type\":\"click\",\"event_time\":\"2026-03-01T00:00:00Z\""
                + (payload == null ? "" : ",\"payload\":" + payload) + "}";
    }

    @Test
    void aRecordThatIsNotCanonicalStopsTheWriterNamingItsPosition() throws Exception {
        TableFileSettings settings = settings();
        assertThatThrownBy(() -> write(settings, List.of(row(42, "{\"event_id\":\"a\",\"event_ty", false))))
                .hasMessageContaining("events.unique-1@42 is not a canonical event")
                .hasMessageContaining("only the dedup job may write to events.unique");
    }

    private TableFileSettings settings(String... extra) {
        List<String> overrides = new ArrayList<>(List.of(extra));
        overrides.add("columnar.warehouse=" + tmp.toUri());
        return ColumnarSettings.from(KappaConfig.load(null, overrides, AllOptions.list())).files();
    }

    /** Writes the rows as one part file of partition dt=2026-03-01/hr=00 of a table under tmp/table. */
    private org.apache.flink.core.fs.Path write(TableFileSettings settings, List<TableRow> rows) throws Exception {
        return write(settings, rows, "part-0.parquet");
    }

    private org.apache.flink.core.fs.Path write(TableFileSettings settings, List<TableRow> rows, String name)
            throws Exception {
        Path dir = tmp.resolve("table").resolve("dt=2026-03-01").resolve("hr=00");
        Files.createDirectories(dir);
        org.apache.flink.core.fs.Path file = new org.apache.flink.core.fs.Path(dir.resolve(name).toUri());
        try (FSDataOutputStream out = FileSystem.getLocalFileSystem().create(file, FileSystem.WriteMode.OVERWRITE)) {
            BulkWriter<TableRow> writer = new TableFiles(settings).writerFactory().create(out);
            for (TableRow row : rows) {
                writer.addElement(row);
            }
            writer.finish();
        }
        return file;
    }

    private static TableRow row(long offset, String json, boolean late) {
        String id = json.contains("\"event_id\":\"") ? json.split("\"event_id\":\"")[1].split("\"")[0] : "";
        return new TableRow(new LoggedEvent(new CanonicalEvent(id, TIME, json.getBytes(StandardCharsets.UTF_8)),
                "events.unique", 1, offset), late);
    }
}
