package dev.kappa.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.testkit.TestKafka;

/** Configs for tests: the shared test broker, the test's own topics, fast checkpoints, a unique job name. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static KappaConfig ingest(String raw, String valid, String dlq, Path tmp, String... extra) {
        return load(tmp, List.of("topics.raw=" + raw, "topics.valid=" + valid, "topics.dlq=" + dlq,
                "job.name=ingest-" + valid, "ingest.start=earliest"), extra);
    }

    public static KappaConfig dedup(String valid, String unique, String dlq, Path tmp, String... extra) {
        return load(tmp, List.of("topics.valid=" + valid, "topics.unique=" + unique, "topics.dlq=" + dlq,
                "job.name=dedup-" + unique, "dedup.start=earliest"), extra);
    }

    public static KappaConfig columnar(String unique, Path warehouse, Path tmp, String... extra) {
        return load(tmp, List.of("topics.unique=" + unique, "job.name=columnar-" + unique, "columnar.start=earliest",
                "columnar.warehouse=" + warehouse.toUri()), extra);
    }

    private static KappaConfig load(Path tmp, List<String> jobSettings, String... extra) {
        List<String> overrides = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                "job.parallelism=2",
                "checkpoint.interval=500ms",
                "checkpoint.dir=" + tmp.resolve("checkpoints").toUri()));
        overrides.addAll(jobSettings);
        overrides.addAll(List.of(extra));
        return KappaConfig.load(null, overrides, AllOptions.list());
    }
}
