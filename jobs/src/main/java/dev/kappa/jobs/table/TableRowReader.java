package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.apache.flink.core.fs.Path;
import org.apache.parquet.example.data.Group;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.EventFields;
import dev.kappa.common.event.LoggedEvent;

/**
 * Reads table rows back as the {@link TableRow}s they were written from, so that compaction can
 * feed files of an older schema through the current writer: the canonical JSON is rebuilt from the
 * columns (the payload verbatim), with the row's log position and lateness.
 */
final class TableRowReader implements AutoCloseable {

    private static final JsonFactory JSON = new JsonFactory();

    private final TableFileReader.Records records;
    private final String topic;
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);

    TableRowReader(Path path) throws IOException {
        this.records = new TableFileReader.Records(path);
        this.topic = records.metadata().get(FileProvenance.SOURCE_TOPIC);
    }

    /** The next row, or null after the last. */
    public TableRow read() throws IOException {
        Group row = records.next();
        if (row == null) {
            return null;
        }
        String eventId = row.getString(EventFields.EVENT_ID, 0);
        long eventTime = TableSchema.toMillis(row.getLong(EventFields.EVENT_TIME, 0),
                row.getType().getType(EventFields.EVENT_TIME));
        CanonicalEvent event = new CanonicalEvent(eventId, eventTime, canonicalJson(row, eventId, eventTime));
        return new TableRow(new LoggedEvent(event, topic, row.getInteger(TableSchema.LOG_PARTITION, 0),
                row.getLong(TableSchema.LOG_OFFSET, 0)), row.getBoolean(TableSchema.ARRIVED_LATE, 0));
    }

    private byte[] canonicalJson(Group row, String eventId, long eventTime) {
        buffer.reset();
        try (JsonGenerator gen = JSON.createGenerator(buffer)) {
            gen.writeStartObject();
            gen.writeStringField(EventFields.EVENT_ID, eventId);
            gen.writeStringField(EventFields.EVENT_TYPE, row.getString(EventFields.EVENT_TYPE, 0));
            gen.writeStringField(EventFields.EVENT_TIME, Instant.ofEpochMilli(eventTime).toString());
            if (row.getFieldRepetitionCount(EventFields.SOURCE) > 0) {
                gen.writeStringField(EventFields.SOURCE, row.getString(EventFields.SOURCE, 0));
            }
            if (row.getFieldRepetitionCount(EventFields.PAYLOAD) > 0) {
                gen.writeFieldName(EventFields.PAYLOAD);
                gen.writeRawValue(row.getString(EventFields.PAYLOAD, 0));
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    @Override
    public void close() throws IOException {
        records.close();
    }
}
