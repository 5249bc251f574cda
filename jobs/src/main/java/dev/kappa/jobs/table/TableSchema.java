package dev.kappa.jobs.table;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntBiFunction;

import org.apache.iceberg.Schema;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.parquet.schema.Types.PrimitiveBuilder;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.event.EventFields;

/**
 * The table's columns: the event envelope with proper logical types, the whole payload as JSON
 * text (nothing an event carried is lost), each row's position on the log and whether it came
 * after its partition was complete, then the configured
 * payload projections. Partition columns (dt, hr) live in the path, Hive style. Each column carries the
 * Iceberg field id its table version registered ({@code columnIds}), so that Iceberg readers match
 * columns by id; times are microseconds, the unit Iceberg reads them in.
 */
public record TableSchema(List<ProjectedField> projected, Map<String, Integer> columnIds) implements Serializable {

    public static final String LOG_PARTITION = "log_partition";
    public static final String LOG_OFFSET = "log_offset";
    /** True for a row that arrived after its partition was marked complete. */
    public static final String ARRIVED_LATE = "arrived_late";

    /** Envelope column count; projected columns follow at these indexes. */
    public static final int ENVELOPE_COLUMNS = 8;

    private static final Set<String> RESERVED = Set.of(EventFields.EVENT_ID, EventFields.EVENT_TYPE, EventFields.EVENT_TIME, EventFields.SOURCE, EventFields.PAYLOAD,
            LOG_PARTITION, LOG_OFFSET, ARRIVED_LATE, "dt", "hr");

    public TableSchema(List<ProjectedField> projected) {
        this(projected, Map.of());
    }

    public TableSchema {
        projected = List.copyOf(projected);
        columnIds = Map.copyOf(columnIds);
        for (ProjectedField field : projected) {
            if (RESERVED.contains(field.name())) {
                throw new ConfigException(TableOptions.FIELDS.key() + "." + field.name()
                        + ": the name is taken by an envelope or partition column");
            }
            if (!field.name().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(TableOptions.FIELDS.key() + "." + field.name()
                        + ": a column name must be letters, digits and _ (engines quote nothing else the same way)");
            }
        }
    }

    /** This schema with the Iceberg field ids of the version it is written for. */
    public TableSchema withColumnIds(Map<String, Integer> ids) {
        return new TableSchema(projected, ids);
    }

    public MessageType messageType() {
        List<Type> columns = new ArrayList<>();
        columns.add(column(string(true), EventFields.EVENT_ID));
        columns.add(column(string(true), EventFields.EVENT_TYPE));
        columns.add(column(Types.required(PrimitiveTypeName.INT64).as(MICROS), EventFields.EVENT_TIME));
        columns.add(column(string(false), EventFields.SOURCE));
        columns.add(column(string(false), EventFields.PAYLOAD));
        columns.add(column(Types.required(PrimitiveTypeName.INT32), LOG_PARTITION));
        columns.add(column(Types.required(PrimitiveTypeName.INT64), LOG_OFFSET));
        columns.add(column(Types.required(PrimitiveTypeName.BOOLEAN), ARRIVED_LATE));
        for (ProjectedField field : projected) {
            columns.add(column(field.type().column(), field.name()));
        }
        return new MessageType("event", columns);
    }

    /**
     * The same columns as an Iceberg schema, each id chosen by {@code idFor(name, type)}: a table keeps
     * one id per column name and type across its versions, and gives a new column a new id.
     */
    public Schema icebergSchema(ToIntBiFunction<String, org.apache.iceberg.types.Type> idFor) {
        List<org.apache.iceberg.types.Types.NestedField> fields = new ArrayList<>();
        for (Type column : messageType().getFields()) {
            org.apache.iceberg.types.Type type = icebergType(column.asPrimitiveType());
            int id = idFor.applyAsInt(column.getName(), type);
            fields.add(column.isRepetition(Type.Repetition.REQUIRED)
                    ? org.apache.iceberg.types.Types.NestedField.required(id, column.getName(), type)
                    : org.apache.iceberg.types.Types.NestedField.optional(id, column.getName(), type));
        }
        return new Schema(fields);
    }

    private static org.apache.iceberg.types.Type icebergType(PrimitiveType column) {
        return switch (column.getPrimitiveTypeName()) {
            case BINARY -> org.apache.iceberg.types.Types.StringType.get();
            case INT32 -> org.apache.iceberg.types.Types.IntegerType.get();
            case INT64 -> column.getLogicalTypeAnnotation() == null ? org.apache.iceberg.types.Types.LongType.get()
                    : org.apache.iceberg.types.Types.TimestampType.withZone();
            case DOUBLE -> org.apache.iceberg.types.Types.DoubleType.get();
            case BOOLEAN -> org.apache.iceberg.types.Types.BooleanType.get();
            default -> throw new IllegalStateException("no Iceberg type for " + column);
        };
    }

    /** Event time and timestamp fields: microseconds since the epoch, UTC. */
    static final LogicalTypeAnnotation MICROS =
            LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS);

    /** A stored time in milliseconds, whichever unit its column was written in. */
    public static long toMillis(long stored, Type column) {
        return column.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
                && t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS ? Math.floorDiv(stored, 1000) : stored;
    }

    private Type column(PrimitiveBuilder<PrimitiveType> builder, String name) {
        Integer id = columnIds.get(name);
        return id == null ? builder.named(name) : builder.id(id).named(name);
    }

    private static PrimitiveBuilder<PrimitiveType> string(boolean required) {
        return (required ? Types.required(PrimitiveTypeName.BINARY) : Types.optional(PrimitiveTypeName.BINARY))
                .as(LogicalTypeAnnotation.stringType());
    }
}
