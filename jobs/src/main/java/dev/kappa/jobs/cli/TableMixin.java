package dev.kappa.jobs.cli;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.table.TableOptions;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --table}, with the config it overrides, for the commands that manage or rebuild a table. */
public final class TableMixin {

    @Mixin
    ConfigMixin config;

    @Option(names = "--table", paramLabel = "NAME",
            description = "Table under columnar.warehouse (default: columnar.table).")
    String table;

    public KappaConfig load() {
        KappaConfig loaded = config.load();
        return table == null ? loaded : loaded.with(TableOptions.TABLE, table);
    }

    /** The table in the catalog; the caller closes it. */
    static TableVersions versions(KappaConfig config) {
        ColumnarSettings settings = ColumnarSettings.from(config);
        return TableVersions.open(settings.catalog(), settings.table());
    }
}
