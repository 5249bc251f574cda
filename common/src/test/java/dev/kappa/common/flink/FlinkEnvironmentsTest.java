package dev.kappa.common.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = {"BATCH", "AUTOMATIC"})
    void aRuntimeModeOtherThanStreamingIsRefusedBeforeTheJobIsBuilt(String mode) {
        assertThatThrownBy(() -> FlinkEnvironments.create(config("flink.execution.runtime-mode=" + mode)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("execution.runtime-mode is " + mode)
                .hasMessageContaining("STREAMING mode only");
        assertThat(FlinkEnvironments.create(config("flink.execution.runtime-mode=STREAMING"))).isNotNull();
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
