package dev.kappa.jobs.table;

import java.util.List;
import java.util.Map;

import dev.kappa.common.config.ConfigOption;

/**
 * Where a table lives and which columns it has. The keys keep their columnar.* names: the columnar
 * job and the replay are the tables' writers, and configs in use name them so.
 */
public final class TableOptions {

    public static final ConfigOption<String> WAREHOUSE = ConfigOption.key("columnar.warehouse")
            .stringType().defaultValue("file:///tmp/kappa/warehouse")
            .withDescription("URI of the warehouse root (file://, s3://, hdfs://); tables live in "
                    + "<warehouse>/<table>/v<N>/dt=YYYY-MM-DD/hr=HH/.");

    public static final ConfigOption<String> TABLE = ConfigOption.key("columnar.table")
            .stringType().defaultValue("events")
            .withDescription("Table name: its name in the catalog (<catalog>.<namespace>.<table>) and its directory "
                    + "under the warehouse.");

    public static final ConfigOption<Map<String, String>> FIELDS = ConfigOption.key("columnar.fields")
            .mapType().noDefault()
            .withDescription("Payload fields projected into typed columns, column name -> type (string, long, "
                    + "double, boolean, timestamp); e.g. columnar.fields.amount: double reads payload.amount. "
                    + "A value of another type is written as null and counted; the payload column keeps it.");

    private TableOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(WAREHOUSE, TABLE, FIELDS);
    }
}
