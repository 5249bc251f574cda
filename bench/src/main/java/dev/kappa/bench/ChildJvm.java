package dev.kappa.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from this one's class path and flags (so it gets the same opens and logging), with
 * its own heap and its output in a file: Kafka's perf tools run there as shipped.
 */
final class ChildJvm implements AutoCloseable {

    private static final String LOG_DIR = "kappa.log.dir";

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    private static ChildJvm start(Path log, String heap, List<String> flags, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!flag.startsWith("-Xmx") && !flag.startsWith("-XX:StartFlightRecording")
                    && !flag.startsWith("-agentpath") && !flag.startsWith("-D" + LOG_DIR + "=")) {
                command.add(flag);
            }
        }
        command.add("-Xmx" + heap);
        command.addAll(flags);
        // each child its own log4j file, next to its console output
        String name = log.getFileName().toString().replaceFirst("\\.log$", "");
        command.add("-D" + LOG_DIR + "=" + log.resolveSibling(name));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ChildJvm(process, log);
    }

    /** Runs to the end and returns its output; fails with the log's tail if it exits non-zero. */
    static String run(Path log, String heap, String mainClass, List<String> args) throws IOException,
            InterruptedException {
        return run(log, heap, List.of(), mainClass, args);
    }

    /** The same, with more JVM flags (a GC log, say). */
    static String run(Path log, String heap, List<String> flags, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        try (ChildJvm child = start(log, heap, flags, mainClass, args)) {
            if (!child.process.waitFor(30, TimeUnit.MINUTES) || child.process.exitValue() != 0) {
                throw new IllegalStateException(mainClass + " failed; its output is in " + log + ":\n"
                        + child.tail());
            }
            return Files.readString(log);
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /** Stops it as Ctrl-C would (the CLI's MiniCluster shuts down in its hook), then for good. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
