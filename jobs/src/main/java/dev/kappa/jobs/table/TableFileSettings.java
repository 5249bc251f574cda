package dev.kappa.jobs.table;

import java.io.Serializable;

/** How a table version's Parquet files are encoded: its columns, codec and sizes. */
public record TableFileSettings(String table, int version, TableSchema schema, Compression compression,
        long rowGroupSize, int pageSize) implements Serializable {
}
