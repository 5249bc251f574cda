package dev.kappa.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Runs SQL with Apache Spark (local mode, one core) against the suite's Iceberg catalog, so tables
 * are read by name exactly as a Spark cluster would read them. Prints each statement's rows as
 * tab-separated lines on stdout; everything else goes to stderr.
 *
 * <p>Usage: {@code SparkSql --warehouse DIR [--uri JDBC_URL] [--catalog NAME] SQL...}; without
 * {@code --uri} the catalog is the embedded SQLite file of a local warehouse.
 */
public final class SparkSql {

    private SparkSql() {
    }

    public static void main(String[] args) {
        String warehouse = null;
        String uri = null;
        String catalog = "kappa";
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warehouse" -> warehouse = args[++i];
                case "--uri" -> uri = args[++i];
                case "--catalog" -> catalog = args[++i];
                default -> statements.add(args[i]);
            }
        }
        if (warehouse == null || statements.isEmpty()) {
            System.err.println("usage: spark-sql --warehouse DIR [--uri JDBC_URL] [--catalog NAME] SQL...");
            System.exit(2);
        }
        String location = warehouse.contains(":") ? warehouse : Path.of(warehouse).toAbsolutePath().toUri().toString();
        if (uri == null) {
            uri = "jdbc:sqlite:" + Path.of(java.net.URI.create(location)).resolve("kappa-catalog.db");
        }
        String prefix = "spark.sql.catalog." + catalog;
        SparkSession spark = SparkSession.builder()
                .appName("kappa-spark-sql")
                .master("local[1]")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
                .config(prefix, "org.apache.iceberg.spark.SparkCatalog")
                .config(prefix + ".type", "jdbc")
                .config(prefix + ".uri", uri)
                .config(prefix + ".warehouse", location)
                // SQLite allows one writer at a time: wait for a committing job instead of failing
                .config(prefix + ".jdbc.busy_timeout", "30000")
                // every statement sees the newest commit, as a fresh query on a cluster would
                .config(prefix + ".cache-enabled", "false")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        int status = 0;
        try {
            for (String sql : statements) {
                print(spark.sql(sql));
            }
        } catch (RuntimeException e) {
            System.err.println("spark-sql: " + e.getMessage());
            status = 1;
        } finally {
            spark.stop();
        }
        System.exit(status);
    }

    /** Every column through Spark's own CAST(... AS STRING), so each type prints as Spark shows it. */
    private static void print(Dataset<Row> result) {
        String[] columns = result.columns();
        Column[] asText = new Column[columns.length];
        String[] plain = new String[columns.length];
        for (int c = 0; c < columns.length; c++) {
            plain[c] = "c" + c;
            asText[c] = functions.col(plain[c]).cast("string");
        }
        StringBuilder out = new StringBuilder();
        for (Row row : result.toDF(plain).select(asText).collectAsList()) {
            for (int c = 0; c < row.length(); c++) {
                out.append(c > 0 ? "\t" : "").append(row.isNullAt(c) ? "NULL" : row.getString(c));
            }
            out.append('\n');
        }
        System.out.print(out);
        System.out.flush();
    }
}
