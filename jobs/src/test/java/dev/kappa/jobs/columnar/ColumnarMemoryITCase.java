package dev.kappa.jobs.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.kappa.jobs.table.TableScan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog spread over 400 hourly partitions, every one of them open at once, written in a child
 * JVM whose heap is fixed and small: the writers' memory must not grow with the partition count.
 */
class ColumnarMemoryITCase {

    private static final int EVENTS = 120_000;
    private static final int HOURS = 400;
    private static final String HEAP = "-Xmx160m";

    @TempDir
    Path tmp;

    @Test
    void fourHundredOpenPartitionsFitInASmallFixedHeap() throws Exception {
        Path warehouse = tmp.resolve("warehouse");
        Path log = tmp.resolve("child.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP, "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dlog4j2.configurationFile=" + System.getProperty("log4j2.configurationFile"),
                "-cp", System.getProperty("java.class.path"), ManyPartitionsRun.class.getName(),
                warehouse.toString(), tmp.resolve("checkpoints").toString(), Integer.toString(EVENTS),
                Integer.toString(HOURS)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child finished in time").isTrue();
        assertThat(child.exitValue()).as("child exit code; its output:%n%s", tail(log)).isZero();

        String version = warehouse.resolve("events").resolve("v1").toUri().toString();
        List<TableScan.Partition> partitions = TableScan.partitions(version);
        assertThat(partitions).hasSize(HOURS);
        Set<String> ids = new HashSet<>();
        TableScan.forEachRow(version, row -> assertThat(ids.add(row.eventId())).isTrue());
        assertThat(ids).hasSize(EVENTS);
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n",
                lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
