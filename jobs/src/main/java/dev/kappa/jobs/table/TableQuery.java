package dev.kappa.jobs.table;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

import org.apache.flink.core.fs.Path;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * SQL over a table version without installing anything: DuckDB in process, over exactly the files
 * of the version's snapshot in the catalog (never a directory listing), with the version's columns.
 * The table answers to its catalog name ({@code kappa.lake.events}) and to its bare name
 * ({@code events}).
 */
public final class TableQuery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TableQuery() {
    }

    public enum Format {
        TABLE,
        CSV,
        JSON
    }

    /** A query's columns and rows, values as DuckDB's JDBC driver returns them. */
    public record Result(List<String> columns, List<List<Object>> rows) {

        public String render(Format format) {
            return switch (format) {
                case TABLE -> table();
                case CSV -> csv();
                case JSON -> jsonLines();
            };
        }

        private String table() {
            int[] widths = new int[columns.size()];
            for (int c = 0; c < widths.length; c++) {
                widths[c] = columns.get(c).length();
                for (List<Object> row : rows) {
                    widths[c] = Math.max(widths[c], text(row.get(c)).length());
                }
            }
            StringBuilder out = new StringBuilder();
            line(out, columns.stream().map(Object.class::cast).toList(), widths);
            StringJoiner rule = new StringJoiner("-+-");
            for (int width : widths) {
                rule.add("-".repeat(width));
            }
            out.append(rule).append('\n');
            rows.forEach(row -> line(out, row, widths));
            out.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
            return out.toString();
        }

        private static void line(StringBuilder out, List<Object> values, int[] widths) {
            StringJoiner line = new StringJoiner(" | ");
            for (int c = 0; c < widths.length; c++) {
                Object value = values.get(c);
                String text = text(value);
                line.add(value instanceof Number ? " ".repeat(widths[c] - text.length()) + text
                        : text + " ".repeat(widths[c] - text.length()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }

        private String csv() {
            StringBuilder out = new StringBuilder();
            out.append(csvLine(columns.stream().map(Object.class::cast).toList()));
            rows.forEach(row -> out.append(csvLine(row)));
            return out.toString();
        }

        private static String csvLine(List<Object> values) {
            StringJoiner line = new StringJoiner(",", "", "\n");
            for (Object value : values) {
                String text = value == null ? "" : value.toString();
                line.add(text.matches(".*[\",\\r\\n].*") || text.startsWith(" ") || text.endsWith(" ")
                        ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
            }
            return line.toString();
        }

        private String jsonLines() {
            StringBuilder out = new StringBuilder();
            for (List<Object> row : rows) {
                Map<String, Object> object = new LinkedHashMap<>();
                for (int c = 0; c < columns.size(); c++) {
                    Object value = row.get(c);
                    object.put(columns.get(c), value == null || value instanceof Number || value instanceof Boolean
                            ? value : value.toString());
                }
                try {
                    out.append(JSON.writeValueAsString(object)).append('\n');
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out.toString();
        }

        private static String text(Object value) {
            return value == null ? "NULL" : value.toString();
        }
    }

    /** Runs {@code sql} over {@code version} (its newest snapshot) of the table. */
    public static Result run(TableVersions versions, int version, String sql) throws SQLException {
        TableVersion entry = versions.require(version);
        Schema schema = versions.iceberg().schemas().get(entry.schemaId());
        List<String> files = versions.files(version);
        CatalogSettings catalog = versions.catalog();
        String qualified = quote(catalog.name()) + "." + quote(catalog.namespace()) + "." + quote(versions.table());
        loadDriver();
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("ATTACH ':memory:' AS " + quote(catalog.name()));
            statement.execute("CREATE SCHEMA " + quote(catalog.name()) + "." + quote(catalog.namespace()));
            statement.execute("CREATE VIEW " + qualified + " AS " + source(schema, files));
            statement.execute("CREATE VIEW memory.main." + quote(versions.table()) + " AS SELECT * FROM " + qualified);
            try (ResultSet results = statement.executeQuery(sql)) {
                ResultSetMetaData meta = results.getMetaData();
                List<String> columns = new ArrayList<>();
                for (int c = 1; c <= meta.getColumnCount(); c++) {
                    columns.add(meta.getColumnLabel(c));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (results.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int c = 1; c <= columns.size(); c++) {
                        row.add(results.getObject(c));
                    }
                    rows.add(row);
                }
                return new Result(columns, rows);
            }
        }
    }

    /** The version's columns, in order, from its files; an empty version is an empty relation with them. */
    private static String source(Schema schema, List<String> files) {
        StringJoiner columns = new StringJoiner(", ");
        for (Types.NestedField field : schema.columns()) {
            columns.add(quote(field.name()));
        }
        if (files.isEmpty()) {
            StringJoiner typed = new StringJoiner(", ");
            for (Types.NestedField field : schema.columns()) {
                typed.add("CAST(NULL AS " + duckDbType(field) + ") AS " + quote(field.name()));
            }
            return "SELECT " + typed + " WHERE false";
        }
        StringJoiner list = new StringJoiner(", ", "[", "]");
        for (String file : files) {
            list.add("'" + localPath(file).replace("'", "''") + "'");
        }
        return "SELECT " + columns + " FROM read_parquet(" + list + ", union_by_name = true)";
    }

    /** DuckDB reads local paths; {@code file:} URIs are turned into them. */
    private static String localPath(String file) {
        return file.startsWith("file:") ? new Path(file).toUri().getPath() : file;
    }

    private static String duckDbType(Types.NestedField field) {
        return switch (field.type().typeId()) {
            case STRING -> "VARCHAR";
            case INTEGER -> "INTEGER";
            case LONG -> "BIGINT";
            case DOUBLE -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case TIMESTAMP -> "TIMESTAMPTZ";
            default -> field.type().toString().toUpperCase(Locale.ROOT);
        };
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static void loadDriver() {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("kappa query needs DuckDB's JDBC driver on the class path: run it with "
                    + "deploy/kappa, which adds it (the cluster jar leaves it out)", e);
        }
    }
}
