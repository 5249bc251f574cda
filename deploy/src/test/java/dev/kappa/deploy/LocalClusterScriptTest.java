package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), "clean").redirectErrorStream(true);
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
