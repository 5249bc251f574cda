package dev.kappa.jobs.columnar;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.flink.util.TimeUtils;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.table.CatalogSettings;
import dev.kappa.jobs.table.Compression;
import dev.kappa.jobs.table.FieldType;
import dev.kappa.jobs.table.ProjectedField;
import dev.kappa.jobs.table.TableFileSettings;
import dev.kappa.jobs.table.TableOptions;
import dev.kappa.jobs.table.TableSchema;
import dev.kappa.jobs.table.TableVersions;

/** The part of the configuration the columnar job needs on the task managers, validated. */
public record ColumnarSettings(String table, int version, TableSchema schema,
        Compression compression, long rowGroupSize, int pageSize, long targetFileSize,
        int compactAfterCheckpoints, Duration commitDelay, CatalogSettings catalog) implements Serializable {

    public ColumnarSettings {
        if (!table.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new ConfigException(TableOptions.TABLE.key() + " must be a plain directory name, got '" + table
                    + "'");
        }
        if (version < 1) {
            throw new ConfigException(ColumnarOptions.VERSION.key() + " must be at least 1, got " + version);
        }
        requirePositive(rowGroupSize, ColumnarOptions.ROW_GROUP_SIZE.key());
        requirePositive(pageSize, ColumnarOptions.PAGE_SIZE.key());
        requirePositive(targetFileSize, ColumnarOptions.TARGET_FILE_SIZE.key());
        if (compactAfterCheckpoints < 0) {
            throw new ConfigException(ColumnarOptions.COMPACT_AFTER_CHECKPOINTS.key() + " must not be negative");
        }
        if (commitDelay.isNegative()) {
            throw new ConfigException(ColumnarOptions.COMMIT_DELAY.key() + " must not be negative, got "
                    + TimeUtils.formatWithHighestUnit(commitDelay));
        }
    }

    public static ColumnarSettings from(KappaConfig config) {
        long pageSize = config.get(ColumnarOptions.PAGE_SIZE).getBytes();
        if (pageSize > Integer.MAX_VALUE) {
            throw new ConfigException(ColumnarOptions.PAGE_SIZE.key() + " must be below 2gb");
        }
        return new ColumnarSettings(config.get(TableOptions.TABLE),
                config.get(ColumnarOptions.VERSION), new TableSchema(projected(config.get(TableOptions.FIELDS))),
                config.get(ColumnarOptions.COMPRESSION), config.get(ColumnarOptions.ROW_GROUP_SIZE).getBytes(),
                (int) pageSize, config.get(ColumnarOptions.TARGET_FILE_SIZE).getBytes(),
                config.get(ColumnarOptions.COMPACT_AFTER_CHECKPOINTS), config.get(ColumnarOptions.COMMIT_DELAY),
                CatalogSettings.from(config));
    }

    /** {@code <warehouse>/<table>/v<N>}: where this job writes its partitions. */
    public String versionPath() {
        return TableVersions.versionPath(catalog.tableLocation(table), version);
    }

    /** How the version's Parquet files are encoded. */
    public TableFileSettings files() {
        return new TableFileSettings(table, version, schema, compression, rowGroupSize, pageSize);
    }

    /** These settings with the columns (and field ids) the version was registered with in the catalog. */
    public ColumnarSettings withSchema(TableSchema registered) {
        return new ColumnarSettings(table, version, registered, compression, rowGroupSize, pageSize,
                targetFileSize, compactAfterCheckpoints, commitDelay, catalog);
    }

    private static List<ProjectedField> projected(Map<String, String> fields) {
        List<ProjectedField> projected = new ArrayList<>();
        fields.forEach((name, type) -> {
            try {
                projected.add(new ProjectedField(name, FieldType.valueOf(type.trim().toUpperCase(Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(TableOptions.FIELDS.key() + "." + name + ": unknown type '" + type
                        + "', expected string, long, double, boolean or timestamp");
            }
        });
        return projected;
    }

    private static void requirePositive(long value, String key) {
        if (value <= 0) {
            throw new ConfigException(key + " must be positive, got " + value);
        }
    }
}
