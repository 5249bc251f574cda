package dev.kappa.common.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

import java.time.Duration;

/** A real Flink MiniCluster (JobManager and TaskManager in this JVM) for {@code @RegisterExtension}. */
public final class TestFlink {

    public static final int SLOTS = 4;

    private TestFlink() {
    }

    public static MiniClusterExtension miniCluster() {
        Configuration config = new Configuration();
        // Injected failures must be recovered quickly and a limited number of times, so a real bug
        // fails the test instead of restarting forever.
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(config)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS)
                .build());
    }
}
