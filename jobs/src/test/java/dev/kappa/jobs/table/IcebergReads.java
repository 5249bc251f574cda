package dev.kappa.jobs.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;

/** Reads tables the way an Iceberg engine does: Iceberg's own generic Parquet reader, by field id. */
public final class IcebergReads {

    private IcebergReads() {
    }

    /** Every row of a version's newest snapshot, with the version's own columns. */
    public static List<Record> rows(TableVersions versions, int version) {
        return rows(versions, version, Expressions.alwaysTrue());
    }

    public static List<Record> rows(TableVersions versions, int version, Expression filter) {
        Table table = versions.iceberg();
        Schema schema = table.schemas().get(versions.require(version).schemaId());
        return rows(table, versions.head(version).snapshotId(), schema, filter);
    }

    /** What a reader of the table's name reads: main's snapshot, with the table's current schema. */
    public static List<Record> published(Table table) {
        return rows(table, table.currentSnapshot().snapshotId(), table.schema(), Expressions.alwaysTrue());
    }

    public static List<Record> rows(Table table, long snapshotId, Schema schema, Expression filter) {
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).useSnapshot(snapshotId).project(schema)
                .where(filter).build()) {
            records.forEach(record -> rows.add(record.copy()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
