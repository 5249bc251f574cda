package dev.kappa.jobs.table;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.EventFields;
import dev.kappa.common.event.LoggedEvent;

/**
 * Writes a canonical event straight from its JSON bytes into Parquet columns, one streaming pass
 * and no intermediate record: id and time come from the log record, the payload column is the
 * payload's own bytes, and configured payload fields are read on the way through. One instance
 * per file; it also collects the file's {@link FileProvenance}.
 */
final class TableRowWriteSupport extends WriteSupport<TableRow> {

    private static final JsonFactory JSON = new JsonFactory();

    private final TableSchema schema;
    private final MessageType messageType;
    private final Map<String, Integer> projectedIndex = new HashMap<>();
    private final FileProvenance provenance;
    private final Object[] projectedValues;
    private RecordConsumer consumer;

    TableRowWriteSupport(TableSchema schema, String table, int version) {
        this.schema = schema;
        this.messageType = schema.messageType();
        List<ProjectedField> projected = schema.projected();
        for (int i = 0; i < projected.size(); i++) {
            projectedIndex.put(projected.get(i).name(), i);
        }
        this.projectedValues = new Object[projected.size()];
        this.provenance = new FileProvenance(table, version);
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(messageType, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(messageType, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        return new FinalizedWriteContext(provenance.toMetadata());
    }

    @Override
    public void write(TableRow row) {
        LoggedEvent logged = row.logged();
        CanonicalEvent event = logged.event();
        byte[] json = event.json();
        Arrays.fill(projectedValues, null);
        String eventType = null;
        String source = null;
        int payloadStart = -1;
        int payloadEnd = -1;
        int mismatches = 0;
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw notCanonical(logged, "not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                switch (name) {
                    case EventFields.EVENT_TYPE -> eventType = parser.getText();
                    case EventFields.SOURCE -> source = token == JsonToken.VALUE_NULL ? null : parser.getText();
                    case EventFields.PAYLOAD -> {
                        if (token == JsonToken.START_OBJECT) {
                            payloadStart = (int) parser.currentTokenLocation().getByteOffset();
                            mismatches = readPayload(parser);
                            payloadEnd = (int) parser.currentLocation().getByteOffset();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw notCanonical(logged, e.getMessage());
        }
        if (eventType == null) {
            throw notCanonical(logged, "no event_type");
        }
        provenance.addRow(logged.topic(), logged.partition(), logged.offset(), row.late(), mismatches);

        consumer.startMessage();
        addBinary(0, EventFields.EVENT_ID, Binary.fromString(event.eventId()));
        addBinary(1, EventFields.EVENT_TYPE, Binary.fromString(eventType));
        consumer.startField(EventFields.EVENT_TIME, 2);
        consumer.addLong(Math.multiplyExact(event.eventTimeMillis(), 1000L));
        consumer.endField(EventFields.EVENT_TIME, 2);
        if (source != null) {
            addBinary(3, EventFields.SOURCE, Binary.fromString(source));
        }
        if (payloadStart >= 0) {
            addBinary(4, EventFields.PAYLOAD, Binary.fromConstantByteArray(json, payloadStart, payloadEnd - payloadStart));
        }
        consumer.startField(TableSchema.LOG_PARTITION, 5);
        consumer.addInteger(logged.partition());
        consumer.endField(TableSchema.LOG_PARTITION, 5);
        consumer.startField(TableSchema.LOG_OFFSET, 6);
        consumer.addLong(logged.offset());
        consumer.endField(TableSchema.LOG_OFFSET, 6);
        consumer.startField(TableSchema.ARRIVED_LATE, 7);
        consumer.addBoolean(row.late());
        consumer.endField(TableSchema.ARRIVED_LATE, 7);
        List<ProjectedField> projected = schema.projected();
        for (int i = 0; i < projectedValues.length; i++) {
            Object value = projectedValues[i];
            if (value != null) {
                addProjected(TableSchema.ENVELOPE_COLUMNS + i, projected.get(i), value);
            }
        }
        consumer.endMessage();
    }

    /** Reads the payload object's top-level fields, keeping projected ones; returns the type mismatches. */
    private int readPayload(JsonParser parser) throws IOException {
        int mismatches = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            Integer index = projectedIndex.get(parser.currentName());
            JsonToken token = parser.nextToken();
            if (index != null && token != JsonToken.VALUE_NULL) {
                Object value = convert(schema.projected().get(index).type(), token, parser);
                if (value == null) {
                    mismatches++;
                }
                projectedValues[index] = value;
            }
            parser.skipChildren();
        }
        return mismatches;
    }

    /** The value as the column's type, or null when the JSON value has another type. */
    private static Object convert(FieldType type, JsonToken token, JsonParser parser) throws IOException {
        return switch (type) {
            case STRING -> token == JsonToken.VALUE_STRING ? parser.getText() : null;
            case LONG -> token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                    ? (Object) parser.getLongValue() : null;
            case DOUBLE -> token.isNumeric() ? (Object) parser.getDoubleValue() : null;
            case BOOLEAN -> token.isBoolean() ? (Object) parser.getBooleanValue() : null;
            case TIMESTAMP -> timestamp(token, parser);
        };
    }

    private static Long timestamp(JsonToken token, JsonParser parser) throws IOException {
        long millis;
        if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            millis = parser.getLongValue();
        } else if (token == JsonToken.VALUE_STRING) {
            try {
                millis = OffsetDateTime.parse(parser.getText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                return null;
            }
        } else {
            return null;
        }
        // stored as microseconds: a time that cannot be is a mismatch, not a failed job
        return Math.abs(millis) <= Long.MAX_VALUE / 1000 ? millis : null;
    }

    private void addProjected(int index, ProjectedField field, Object value) {
        consumer.startField(field.name(), index);
        switch (field.type()) {
            case STRING -> consumer.addBinary(Binary.fromString((String) value));
            case LONG -> consumer.addLong((Long) value);
            case TIMESTAMP -> consumer.addLong(Math.multiplyExact((Long) value, 1000L));
            case DOUBLE -> consumer.addDouble((Double) value);
            case BOOLEAN -> consumer.addBoolean((Boolean) value);
        }
        consumer.endField(field.name(), index);
    }

    private void addBinary(int index, String name, Binary value) {
        consumer.startField(name, index);
        consumer.addBinary(value);
        consumer.endField(name, index);
    }

    /**
     * Only the dedup job writes topics.unique, and it forwards ingest's canonical JSON unchanged; a
     * record that is not canonical means something else writes there, which must stop the line
     * rather than put a made-up row in the table.
     */
    private static IllegalStateException notCanonical(LoggedEvent logged, String why) {
        return new IllegalStateException("record " + logged.topic() + "-" + logged.partition() + "@"
                + logged.offset() + " is not a canonical event (" + why + "); only the dedup job may write to "
                + logged.topic());
    }
}
