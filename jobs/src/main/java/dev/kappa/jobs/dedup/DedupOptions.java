package dev.kappa.jobs.dedup;

import java.time.Duration;
import java.util.List;

import dev.kappa.common.config.ConfigOption;
import dev.kappa.common.kafka.StartingPosition;

/** Settings of the deduplication job. */
public final class DedupOptions {

    public static final ConfigOption<StartingPosition> START = ConfigOption.key("dedup.start")
            .enumType(StartingPosition.class).defaultValue(StartingPosition.COMMITTED)
            .withDescription("Where to start reading topics.valid without a checkpoint/savepoint: the consumer "
                    + "group's committed offsets (earliest if none), earliest or latest.");

    public static final ConfigOption<Duration> RETENTION = ConfigOption.key("dedup.retention")
            .durationType().defaultValue(Duration.ofDays(7))
            .withDescription("How long an event_id is remembered, in event time: until the watermark (event-time.*) passes the "
                    + "first occurrence's event time plus this. Measured in event time so that a replay drops "
                    + "the same duplicates as the live job.");

    public static final ConfigOption<TooLate> TOO_LATE = ConfigOption.key("dedup.too-late")
            .enumType(TooLate.class).defaultValue(TooLate.DLQ)
            .withDescription("An event older than watermark - retention, whose id the state can no longer vouch "
                    + "for: dlq parks it in topics.dlq with reason too_late (nothing lost, nothing doubled); "
                    + "forward passes it on (may repeat an event); drop discards it. Each is counted.");



    private DedupOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(START, RETENTION, TOO_LATE);
    }

    /** What to do with an event too old to be checked against the remembered ids. */
    public enum TooLate {
        FORWARD,
        DLQ,
        DROP
    }
}
