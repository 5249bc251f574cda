package dev.kappa.jobs.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

import org.apache.flink.util.TimeUtils;
import org.apache.iceberg.Snapshot;

import dev.kappa.jobs.table.TableMaintenance;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists and switches table versions. */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = {"Manage a table's versions in the Iceberg catalog: version N is the branch vN, the published "
                + "one is the table's main branch, which engines read by the table's name. Publishing and rolling "
                + "back are one atomic catalog commit; commands may run at the same time."},
        subcommands = {TableCommand.ListVersions.class, TableCommand.Show.class, TableCommand.Publish.class,
                TableCommand.Rollback.class, TableCommand.Drop.class, TableCommand.Maintain.class})
final class TableCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every version, oldest first; * marks "
            + "the published one.")
    static final class ListVersions extends TableAction {
        @Override
        void act(TableVersions versions) throws IOException {
            printVersions(versions, System.out);
        }
    }

    static void printVersions(TableVersions versions, PrintStream out) {
        OptionalInt current = versions.current();
        List<TableVersion> all = versions.list();
        if (all.isEmpty()) {
            out.println("table " + versions.table() + " has no versions yet");
        }
        for (TableVersion v : all) {
            boolean published = current.isPresent() && current.getAsInt() == v.version();
            out.printf("%s %-4s %-9s %-8s %-28s rows=%s audit=%s created=%s source=%s%n",
                    published ? "*" : " ", v.name(), v.state().label(), v.builtBy(), v.job(),
                    v.rows() == null ? "-" : v.rows(), v.audit() == null ? "-" : v.audit(), v.created(),
                    v.range() != null ? v.range() : v.sourceTopic());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One version's record, and what its newest snapshot holds.")
    static final class Show extends VersionAction {
        @Override
        void act(TableVersions versions, int version) throws IOException {
            TableVersion entry = versions.require(version);
            System.out.println(new String(TableVersions.toJson(entry), StandardCharsets.UTF_8));
            List<TableScan.Partition> partitions = TableScan.partitionsOf(versions.files(version));
            long files = partitions.stream().mapToLong(p -> p.files().size()).sum();
            long complete = partitions.stream().filter(TableScan.Partition::complete).count();
            Snapshot head = versions.head(version);
            System.out.printf("branch %s at snapshot %d: %d partitions (%d complete), %d files, %,d rows, in %s%n",
                    entry.branch(), head.snapshotId(), partitions.size(), complete, files,
                    versions.rowCount(version), versions.versionPath(version));
        }
    }

    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = "Point readers at a built version (ready, or retired for a roll forward); the previous "
                    + "one becomes retired.")
    static final class Publish extends VersionAction {
        @Override
        void act(TableVersions versions, int version) throws IOException {
            versions.publish(version);
            System.out.printf("%s: published v%d%n", versions.table(), version);
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Publish again the version that was published before the current one.")
    static final class Rollback extends TableAction {
        @Override
        void act(TableVersions versions) throws IOException {
            System.out.printf("%s: published v%d again%n", versions.table(), versions.rollback());
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = "Delete a version's files (its history entry stays). The published version is refused.")
    static final class Drop extends VersionAction {
        @Override
        void act(TableVersions versions, int version) throws IOException {
            versions.drop(version);
            System.out.printf("%s: dropped v%d%n", versions.table(), version);
        }
    }

    @Command(name = "maintain", mixinStandardHelpOptions = true,
            description = {"Expire old snapshots and delete files nothing references any more (leftovers of "
                    + "crashed writers and dropped versions, replaced metadata). Safe to run on a schedule while "
                    + "jobs write: every version keeps its files and each branch its newest 20 snapshots."})
    static final class Maintain extends TableAction {
        @Option(names = "--snapshots-older-than", paramLabel = "DURATION", defaultValue = "1d",
                description = "Expire snapshots older than this (default ${DEFAULT-VALUE}).")
        String snapshotAge;

        @Option(names = "--files-older-than", paramLabel = "DURATION", defaultValue = "3d",
                description = "Delete an unreferenced file only if it is older than this (default ${DEFAULT-VALUE}); "
                        + "keep it well above the longest checkpoint, or a running writer's new files could go.")
        String orphanAge;

        @Override
        void act(TableVersions versions) throws IOException {
            System.out.printf("%s: %s%n", versions.table(),
                    TableMaintenance.run(versions, duration(snapshotAge), duration(orphanAge)));
        }

        private static Duration duration(String text) {
            try {
                return TimeUtils.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 5d or 12h");
            }
        }
    }

    /** A subcommand on the whole table. */
    abstract static class TableAction implements Runnable {
        @Mixin
        TableMixin table;

        abstract void act(TableVersions versions) throws IOException;

        @Override
        public void run() {
            try (TableVersions versions = TableMixin.versions(table.load())) {
                act(versions);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A subcommand on one version. */
    abstract static class VersionAction extends TableAction {
        @Parameters(index = "0", paramLabel = "vN", description = "The version, e.g. v2.")
        String version;

        abstract void act(TableVersions versions, int version) throws IOException;

        @Override
        void act(TableVersions versions) throws IOException {
            act(versions, TableVersions.parseVersion(version));
        }
    }
}
