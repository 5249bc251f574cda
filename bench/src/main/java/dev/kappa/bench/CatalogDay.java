package dev.kappa.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.columnar.ColumnarJob;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.TableFiles;
import dev.kappa.jobs.table.TableMaintenance;
import dev.kappa.jobs.table.TableRow;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A day of a live table's catalog commits, compressed: one snapshot per checkpoint interval, each
 * adding one Parquet file, through the writer's own commit path into the embedded catalog; then
 * {@code kappa table maintain}. Prints commit latency early and late in the day and the metadata
 * bytes before and after maintenance.
 */
@Command(name = "catalog-day", mixinStandardHelpOptions = true,
        description = "Simulate a day of catalog commits into one table version, then maintain the table.")
public final class CatalogDay implements Callable<Integer> {

    @Option(names = "--commits", defaultValue = "2880",
            description = "Commits (default ${DEFAULT-VALUE}: a day at one per 30 s checkpoint).")
    int commits;

    @Option(names = "--rows-per-file", defaultValue = "200", description = "Rows in each file (default ${DEFAULT-VALUE}).")
    int rowsPerFile;

    @Option(names = "--out", defaultValue = "bench/results/catalog-day",
            description = "Where results go (default ${DEFAULT-VALUE}).")
    Path out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CatalogDay()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path warehouse = Files.createTempDirectory("kappa-catalog-day-");
        ColumnarSettings configured = ColumnarSettings.from(KappaConfig.load(null,
                List.of("columnar.warehouse=" + warehouse.toUri(), "columnar.fields.amount=double"), AllOptions.list()));
        List<Double> firstHour = new ArrayList<>();
        List<Double> lastHour = new ArrayList<>();
        int perHour = Math.max(1, commits / 24);
        TableMaintenance.Report maintained;
        try (TableVersions versions = TableVersions.open(configured.catalog(), configured.table())) {
            ColumnarSettings settings = ColumnarJob.registerVersion(versions, configured, "catalog-day", "events.unique");
            VersionWriter writer = new VersionWriter(versions, settings.version());
            Instant start = Instant.parse("2026-01-01T00:00:00Z");
            for (int i = 0; i < commits; i++) {
                long eventTime = start.plusSeconds(30L * i).toEpochMilli();
                VersionWriter.NewFile file = writeFile(settings, i, eventTime);
                long began = System.nanoTime();
                writer.append(List.of(file), Map.of(VersionWriter.WRITER, "catalog-day",
                        VersionWriter.CHECKPOINT, Integer.toString(i)));
                double millis = (System.nanoTime() - began) / 1e6;
                if (i < perHour) {
                    firstHour.add(millis);
                } else if (i >= commits - perHour) {
                    lastHour.add(millis);
                }
                if (i % 500 == 0) {
                    System.err.printf("catalog-day: %d of %d commits%n", i, commits);
                }
            }
            maintained = TableMaintenance.run(versions, Duration.ZERO, Duration.ZERO);
            if (versions.rowCount(settings.version()) != (long) commits * rowsPerFile) {
                throw new IllegalStateException("maintenance changed the version's rows");
            }
        }
        Report report = new Report("catalog day", List.of(
                new Comparison("commit p50, last hour", "ms", List.of(percentile(lastHour, 0.5)),
                        "commit p50, first hour", List.of(percentile(firstHour, 0.5)), null, null),
                new Comparison("commit p99, last hour", "ms", List.of(percentile(lastHour, 0.99)),
                        "commit p99, first hour", List.of(percentile(firstHour, 0.99)), null, null),
                new Comparison("metadata after maintain", "bytes", List.of((double) maintained.metadataBytesAfter()),
                        "metadata after " + commits + " commits", List.of((double) maintained.metadataBytesBefore()),
                        null, null)));
        System.out.printf("%s%n%s%n", report.markdown(), maintained);
        report.write(out, "Simulated on " + Instant.now() + ": " + commits + " commits of " + rowsPerFile
                + " rows into the embedded SQLite catalog, then kappa table maintain.");
        return 0;
    }

    private VersionWriter.NewFile writeFile(ColumnarSettings settings, int commit, long eventTime) throws Exception {
        String partition = HourPartitions.of(eventTime);
        Path file = Path.of(java.net.URI.create(settings.versionPath())).resolve(partition)
                .resolve("part-" + commit + ".parquet");
        Files.createDirectories(file.getParent());
        try (ParquetWriter<TableRow> writer = TableFiles.writer(new LocalOutputFile(file), settings.files())) {
            for (int row = 0; row < rowsPerFile; row++) {
                String id = "e-" + commit + "-" + row;
                String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"view\",\"event_time\":\""
                        + Instant.ofEpochMilli(eventTime) + "\",\"payload\":{\"amount\":" + row + "}}";
                writer.write(new TableRow(new LoggedEvent(new CanonicalEvent(id, eventTime,
                        json.getBytes(StandardCharsets.UTF_8)), "events.unique", 0, (long) commit * rowsPerFile + row),
                        false));
            }
        }
        return new VersionWriter.NewFile(file.toUri().toString(), partition);
    }

    private static double percentile(List<Double> values, double quantile) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
    }
}
