package dev.kappa.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.kappa.jobs.cli.Kappa;

/** The README's first command, run in-process: its own broker, a local MiniCluster, its own checks. */
class DemoITCase {

    @Test
    void demoRunsThePipelineAndItsChecksPass() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Kappa.execute("demo", "--events", "3000", "--seed", "11");
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("generate  3000 records", "ingest    3000 records", "dedup     ", " unique, ",
                ": OK");
    }
}
