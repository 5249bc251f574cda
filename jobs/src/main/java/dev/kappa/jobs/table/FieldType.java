package dev.kappa.jobs.table;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.parquet.schema.Types.PrimitiveBuilder;

/** The types a projected payload field can have, and the Parquet column each one becomes. */
public enum FieldType {
    STRING,
    LONG,
    DOUBLE,
    BOOLEAN,
    TIMESTAMP;

    /** Projected columns are optional: a payload without the field, or with a value of another type, is null. */
    PrimitiveBuilder<PrimitiveType> column() {
        return switch (this) {
            case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType());
            case LONG -> Types.optional(PrimitiveTypeName.INT64);
            case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE);
            case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN);
            case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64).as(TableSchema.MICROS);
        };
    }
}
