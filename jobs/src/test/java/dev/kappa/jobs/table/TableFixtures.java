package dev.kappa.jobs.table;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.jobs.columnar.ColumnarSettings;

/** Table files as the FileSink leaves them, without a Flink job. */
public final class TableFixtures {

    public static final String PARTITION = "dt=2026-03-01/hr=00";
    private static final long TIME = 1_772_323_200_000L; // 2026-03-01T00:00:00Z

    private TableFixtures() {
    }

    /**
     * Writes a visible one-row file of event {@code id} into {@code PARTITION} of the version
     * {@code settings} write (with its registered columns); {@code payload} is a JSON object or null.
     */
    public static VersionWriter.NewFile oneRowFile(ColumnarSettings settings, String id, String payload)
            throws Exception {
        Path file = Path.of(java.net.URI.create(settings.versionPath())).resolve(PARTITION).resolve(id + ".parquet");
        Files.createDirectories(file.getParent());
        String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"t\",\"event_time\":\"2026-03-01T00:00:00Z\""
                + (payload == null ? "" : ",\"payload\":" + payload) + "}";
        try (ParquetWriter<TableRow> out = TableFiles.writer(new LocalOutputFile(file), settings.files())) {
            out.write(new TableRow(new LoggedEvent(new CanonicalEvent(id, TIME, json.getBytes(StandardCharsets.UTF_8)),
                    "events.unique", 0, 0), false));
        }
        return new VersionWriter.NewFile(file.toUri().toString(), PARTITION);
    }
}
