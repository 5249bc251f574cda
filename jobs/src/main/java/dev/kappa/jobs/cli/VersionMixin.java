package dev.kappa.jobs.cli;

import dev.kappa.jobs.table.TableVersions;
import picocli.CommandLine.Option;

/**
 * {@code --version vN} for the commands that read one table version, the published one by default.
 * It names a table version here, so these commands leave out the standard {@code -V/--version}.
 */
final class VersionMixin {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", paramLabel = "vN", description = "The table version (default: the published one).")
    String version;

    int resolve(TableVersions versions) {
        return version != null ? TableVersions.parseVersion(version)
                : versions.current().orElseThrow(() -> new IllegalArgumentException("table " + versions.table()
                        + " has no published version; name one with --version"));
    }
}
