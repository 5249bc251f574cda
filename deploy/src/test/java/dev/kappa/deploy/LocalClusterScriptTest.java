package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/local/cluster's housekeeping, run as a user runs it, without starting anything. */
class LocalClusterScriptTest {

    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("deploy/local/cluster");

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {
    }

    private static Run clean(Path localHome) throws IOException, InterruptedException {
        return script(localHome, "clean");
    }

    private static Run script(Path localHome, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KAPPA_LOCAL_HOME", localHome.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    /** KAPPA_LOCAL_HOME pointed at a directory of the user's: clean must not delete it. */
    @Test
    void cleanRefusesADirectoryTheScriptDidNotCreate() throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(mine.resolve("thesis.tex"), "precious");

        Run run = clean(mine);

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("refusing to delete " + mine);
        assertThat(mine.resolve("thesis.tex")).exists();
    }

    /**
     * A pid file whose process is gone and whose pid now belongs to another process of the user's:
     * kill and stop must leave that process alone.
     */
    @Test
    void killAndStopSignalOnlyTheirOwnProcesses() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        Files.createFile(local.resolve(".created-by-deploy-local-cluster"));
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            Files.createDirectories(local.resolve("pids"));
            for (String name : new String[] {"kafka", "jobmanager", "taskmanager-1"}) {
                Files.writeString(local.resolve("pids/" + name + ".pid"), stranger.pid() + "\n");
            }

            Run kill = script(local, "kill", "kafka");
            Run stop = script(local, "stop");

            assertThat(kill.exit()).as(kill.output()).isEqualTo(1);
            assertThat(kill.output()).contains("kafka is not running");
            assertThat(stop.exit()).as(stop.output()).isZero();
            assertThat(stop.output()).doesNotContain("stopped");
            assertThat(stranger.isAlive()).isTrue();
        } finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void cleanDeletesWhatTheScriptCreated() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        Files.createFile(local.resolve(".created-by-deploy-local-cluster"));
        Files.createDirectories(local.resolve("logs"));

        Run run = clean(local);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(local).doesNotExist();
    }
}
