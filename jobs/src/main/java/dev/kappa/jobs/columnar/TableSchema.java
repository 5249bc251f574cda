package dev.kappa.jobs.columnar;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.event.EventFields;

/**
 * The table's columns: the event envelope with proper logical types, the whole payload as JSON
 * text (nothing an event carried is lost), each row's position on the log and whether it came
 * after its partition was complete, then the configured
 * payload projections. Partition columns (dt, hr) live in the path, Hive style.
 */
public record TableSchema(List<ProjectedField> projected) implements Serializable {

    public static final String LOG_PARTITION = "log_partition";
    public static final String LOG_OFFSET = "log_offset";
    /** True for a row that arrived after its partition was marked complete. */
    public static final String ARRIVED_LATE = "arrived_late";

    /** Envelope column count; projected columns follow at these indexes. */
    static final int ENVELOPE_COLUMNS = 8;

    private static final Set<String> RESERVED = Set.of(EventFields.EVENT_ID, EventFields.EVENT_TYPE, EventFields.EVENT_TIME, EventFields.SOURCE, EventFields.PAYLOAD,
            LOG_PARTITION, LOG_OFFSET, ARRIVED_LATE, "dt", "hr");

    public TableSchema {
        projected = List.copyOf(projected);
        for (ProjectedField field : projected) {
            if (RESERVED.contains(field.name())) {
                throw new ConfigException(ColumnarOptions.FIELDS.key() + "." + field.name()
                        + ": the name is taken by an envelope or partition column");
            }
            if (!field.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(ColumnarOptions.FIELDS.key() + "." + field.name()
                        + ": a column name must be letters, digits and _ (engines quote nothing else the same way)");
            }
        }
    }

    public MessageType messageType() {
        List<Type> columns = new ArrayList<>();
        columns.add(string(EventFields.EVENT_ID, true));
        columns.add(string(EventFields.EVENT_TYPE, true));
        columns.add(Types.required(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
                .named(EventFields.EVENT_TIME));
        columns.add(string(EventFields.SOURCE, false));
        columns.add(string(EventFields.PAYLOAD, false));
        columns.add(Types.required(PrimitiveTypeName.INT32).named(LOG_PARTITION));
        columns.add(Types.required(PrimitiveTypeName.INT64).named(LOG_OFFSET));
        columns.add(Types.required(PrimitiveTypeName.BOOLEAN).named(ARRIVED_LATE));
        for (ProjectedField field : projected) {
            columns.add(field.type().column(field.name()));
        }
        return new MessageType("event", columns);
    }

    private static Type string(String name, boolean required) {
        return (required ? Types.required(PrimitiveTypeName.BINARY) : Types.optional(PrimitiveTypeName.BINARY))
                .as(LogicalTypeAnnotation.stringType()).named(name);
    }
}
