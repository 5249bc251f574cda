package dev.kappa.jobs.cli;

import java.nio.file.Path;

import dev.kappa.jobs.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The whole pipeline on embedded defaults ({@link Demo}). */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the pipeline end to end on embedded defaults: a Kafka broker started by this command "
                + "and a local Flink MiniCluster. Prints what went where and checks it; exits 1 if a check fails.",
                "The broker and its data are removed on exit, Ctrl-C included."})
final class DemoCommand implements Runnable {

    @Mixin
    ConfigMixin config;

    @Option(names = "--events", defaultValue = "20000", description = "Records to generate (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "${java.io.tmpdir}/kappa-demo-warehouse",
            description = "Where the demo's Parquet table is written and kept for you to query (default "
                    + "${DEFAULT-VALUE}). A table left there by an earlier demo is replaced; any other content "
                    + "makes the demo stop rather than overwrite it.")
    Path warehouse;

    @Override
    public void run() {
        new Demo(events, seed, warehouse, config::load).run();
    }
}
