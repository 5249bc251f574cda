package dev.kappa.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.jobs.cli.Kappa;

/** The README's first command, run in-process: its own broker, a local MiniCluster, its own checks. */
class DemoITCase {

    @TempDir
    Path tmp;

    @Test
    void demoRunsThePipelineAndItsChecksPass() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Kappa.execute("demo", "--events", "3000", "--seed", "11", "--warehouse",
                    tmp.resolve("warehouse").toString());
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("generate  3000 records", "ingest    3000 records", "dedup     ", " unique, ",
                "columnar  ", ": OK", "read_parquet('" + tmp.resolve("warehouse").resolve("events").resolve("v1"));
        assertThat(tmp.resolve("warehouse").resolve("events").resolve("v1")).isDirectory();
    }

    @Test
    void demoNeverOverwritesADirectoryItDidNotMake() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("precious.txt"), "keep me");
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Kappa.execute("demo", "--warehouse", other.toString())).isEqualTo(Kappa.BAD_CONFIG);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not empty and was not made by the demo");
        assertThat(other.resolve("precious.txt")).hasContent("keep me");
    }
}
