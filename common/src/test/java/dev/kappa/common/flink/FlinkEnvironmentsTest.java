package dev.kappa.common.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;

class FlinkEnvironmentsTest {

    private static KappaConfig config(String... overrides) {
        return KappaConfig.load(null, List.of(overrides), CommonOptions.all());
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
