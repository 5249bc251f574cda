package dev.kappa.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
                "columnar  ", ": OK", "kappa query \"SELECT", "deploy/spark-sql --warehouse " + tmp.resolve("warehouse"));
        assertThat(tmp.resolve("warehouse").resolve("events").resolve("v1")).isDirectory();
        // the query's events per hour add up to the unique events the dedup job let through
        Matcher unique = Pattern.compile("(\\d+) unique, ").matcher(printed);
        assertThat(unique.find()).isTrue();
        String table = printed.substring(printed.indexOf("kappa query"));
        long events = table.lines().skip(3).takeWhile(line -> !line.startsWith("("))
                .mapToLong(line -> Long.parseLong(line.split("\\|")[1].trim())).sum();
        assertThat(events).as(table).isEqualTo(Long.parseLong(unique.group(1)));
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
