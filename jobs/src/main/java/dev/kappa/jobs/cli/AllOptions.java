package dev.kappa.jobs.cli;

import java.util.ArrayList;
import java.util.List;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigOption;
import dev.kappa.jobs.columnar.ColumnarOptions;
import dev.kappa.jobs.dedup.DedupOptions;
import dev.kappa.jobs.ingest.IngestOptions;
import dev.kappa.jobs.replay.ReplayOptions;
import dev.kappa.jobs.table.CatalogOptions;
import dev.kappa.jobs.table.TableOptions;

/** Every key of the suite: one YAML file configures all jobs, and any command rejects a typo in it. */
public final class AllOptions {

    private AllOptions() {
    }

    public static List<ConfigOption<?>> list() {
        List<ConfigOption<?>> all = new ArrayList<>(CommonOptions.all());
        all.addAll(IngestOptions.all());
        all.addAll(DedupOptions.all());
        all.addAll(TableOptions.all());
        all.addAll(ColumnarOptions.all());
        all.addAll(CatalogOptions.all());
        all.addAll(ReplayOptions.all());
        return all;
    }
}
