package dev.kappa.common.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;

class FlinkEnvironmentsTest {

    private static KappaConfig config(String... overrides) {
        return KappaConfig.load(null, List.of(overrides), CommonOptions.all());
    }

    @TempDir
    Path tmp;

    @Test
    void aJobNameInAConfigFileIsRefusedForItWouldNameEveryCommandAlike() throws Exception {
        Path shared = Files.writeString(tmp.resolve("shared.yaml"), "job:\n  name: pipeline\n");
        KappaConfig config = KappaConfig.load(shared, List.of(), CommonOptions.all());

        assertThatThrownBy(() -> FlinkEnvironments.jobName(config, "kappa-ingest"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(shared + ": job.name would give every command")
                .hasMessageContaining("--set job.name=");
    }

    @Test
    void aJobNameOnTheCommandLineNamesThatCommandAndTheDefaultIsPerCommand() throws Exception {
        Path shared = Files.writeString(tmp.resolve("shared.yaml"), "checkpoint:\n  interval: 5s\n");

        assertThat(FlinkEnvironments.jobName(KappaConfig.load(shared, List.of("job.name=backfill"),
                CommonOptions.all()), "kappa-ingest")).isEqualTo("backfill");
        assertThat(FlinkEnvironments.jobName(KappaConfig.load(shared, List.of(), CommonOptions.all()),
                "kappa-dedup")).isEqualTo("kappa-dedup");
    }

    @Test
    void aTransactionLastsAnIntervalPlusACheckpointThatMayExpire() {
        assertThat(FlinkEnvironments.longestTransaction(config("checkpoint.interval=10s", "checkpoint.timeout=2min")))
                .isEqualTo(Duration.ofSeconds(130));
    }

    @Test
    void eachToleratedExpiredCheckpointKeepsTheTransactionOpenOneRoundLonger() {
        assertThat(FlinkEnvironments.longestTransaction(config("checkpoint.interval=10s", "checkpoint.timeout=2min",
                "flink.execution.checkpointing.tolerable-failed-checkpoints=2")))
                .isEqualTo(Duration.ofSeconds(390));
    }

    @Test
    void aCheckpointTimeoutPassedThroughToFlinkIsTheOneThatCounts() {
        assertThat(FlinkEnvironments.longestTransaction(config("checkpoint.interval=10s",
                "flink.execution.checkpointing.timeout=5min")))
                .isEqualTo(Duration.ofSeconds(310));
    }
}
