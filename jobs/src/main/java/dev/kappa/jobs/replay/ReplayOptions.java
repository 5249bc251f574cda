package dev.kappa.jobs.replay;

import java.time.Duration;
import java.util.List;

import dev.kappa.common.config.ConfigOption;

/** Settings of the replay job; what it builds is configured by the dedup.*, event-time.* and columnar.* keys. */
public final class ReplayOptions {

    public static final ConfigOption<String> SOURCE = ConfigOption.key("replay.source")
            .stringType().noDefault()
            .withDescription("Log topic a replay rebuilds from; defaults to topics.valid, so that dedup is redone "
                    + "with the current code and settings too.");

    public static final ConfigOption<Duration> PROGRESS_INTERVAL = ConfigOption.key("replay.progress-interval")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How often a replay prints its progress (offsets done of the target, events/s, ETA). "
                    + "Progress advances at each checkpoint, when the replay commits its offsets.");

    public static final ConfigOption<Integer> SWITCH_LAG = ConfigOption.key("replay.switch-lag")
            .intType().defaultValue(100_000)
            .withDescription("kappa replay --follow takes the table over once it is at most this many records "
                    + "behind the end of the log at three progress reports in a row. Its lag is measured by the "
                    + "offsets it commits at each checkpoint, so this must exceed what the log grows by in one "
                    + "checkpoint interval.");

    private ReplayOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(SOURCE, PROGRESS_INTERVAL, SWITCH_LAG);
    }
}
