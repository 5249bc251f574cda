package dev.kappa.jobs.cli;

import java.sql.SQLException;

import dev.kappa.jobs.table.TableQuery;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** SQL over a table by name, in process. */
@Command(name = "query",
        description = {"Run SQL over a table in process (DuckDB over the files of the version's snapshot in the "
                + "catalog; nothing to install). Name the table as <catalog>.<namespace>.<table> "
                + "(kappa.lake.events) or just <table> (events), e.g.",
                "  kappa query \"SELECT event_type, count(*) FROM events GROUP BY ALL\""})
final class QueryCommand implements Runnable {

    @Mixin
    TableMixin table;

    @Mixin
    VersionMixin version;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), csv or json (one object per line).")
    String format;

    @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
    String sql;

    @Override
    public void run() {
        TableQuery.Format output = switch (format) {
            case "table" -> TableQuery.Format.TABLE;
            case "csv" -> TableQuery.Format.CSV;
            case "json" -> TableQuery.Format.JSON;
            default -> throw new IllegalArgumentException("--format " + format + ": expected table, csv or json");
        };
        try (TableVersions versions = TableMixin.versions(table.load())) {
            System.out.print(TableQuery.run(versions, version.resolve(versions), sql).render(output));
        } catch (SQLException e) {
            // a mistake in the user's SQL: DuckDB's message is the whole story (and exit code 2)
            throw new IllegalArgumentException("query failed: " + e.getMessage());
        }
    }
}
