package dev.kappa.jobs.table;

import java.util.List;
import java.util.Map;

import dev.kappa.common.config.ConfigOption;

/** Where the tables' Iceberg metadata is kept: a JDBC catalog that Spark, Trino and Flink SQL can share. */
public final class CatalogOptions {

    public static final ConfigOption<String> URI = ConfigOption.key("catalog.uri")
            .stringType().noDefault()
            .withDescription("JDBC URL of the Iceberg catalog, e.g. jdbc:postgresql://db:5432/kappa. Default: a "
                    + "SQLite file kappa-catalog.db in a local columnar.warehouse (nothing to install); a remote "
                    + "warehouse (s3://, hdfs://) needs a shared database here.");

    public static final ConfigOption<String> NAME = ConfigOption.key("catalog.name")
            .stringType().defaultValue("kappa")
            .withDescription("The catalog's name. Every engine that reads the tables must use the same name: "
                    + "the JDBC catalog keeps it in each row.");

    public static final ConfigOption<String> NAMESPACE = ConfigOption.key("catalog.namespace")
            .stringType().defaultValue("lake")
            .withDescription("Namespace (database) of the tables: readers query <catalog>.<namespace>.<table>.");

    public static final ConfigOption<Map<String, String>> PROPERTIES = ConfigOption.key("catalog.properties")
            .mapType().noDefault()
            .withDescription("Extra Iceberg JDBC catalog properties, e.g. catalog.properties.jdbc.user: kappa and "
                    + "catalog.properties.jdbc.password: ${env:KAPPA_CATALOG_PASSWORD}.");

    private CatalogOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(URI, NAME, NAMESPACE, PROPERTIES);
    }
}
