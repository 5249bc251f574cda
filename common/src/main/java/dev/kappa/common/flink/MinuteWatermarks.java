package dev.kappa.common.flink;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks (the newest event time less the allowed lateness), emitted
 * periodically as usual and also at once, after the record, whenever they cross a minute of event
 * time. A periodic watermark can lag its records by a whole interval, and a checkpoint taken in
 * between would hold that stale one; with this, every checkpoint holds a watermark within a minute
 * of its records, so a job resumed at it ({@link CheckpointedWatermarks}) closes every hour its
 * records had closed. It costs one extra watermark per minute of event time.
 */
final class MinuteWatermarks<T> implements WatermarkGenerator<T> {

    private static final long MINUTE = Duration.ofMinutes(1).toMillis();

    private final long outOfOrdernessMillis;
    private long newest;
    private long emitted = Long.MIN_VALUE;

    MinuteWatermarks(Duration outOfOrderness) {
        this.outOfOrdernessMillis = outOfOrderness.toMillis();
        // nothing seen yet: the first watermark must not wrap around
        this.newest = Long.MIN_VALUE + outOfOrdernessMillis + 1;
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        newest = Math.max(newest, eventTimestamp);
        long current = current();
        if (Math.floorDiv(current, MINUTE) > Math.floorDiv(emitted, MINUTE)) {
            emit(current, output);
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        emit(current(), output);
    }

    private long current() {
        return newest - outOfOrdernessMillis - 1;
    }

    private void emit(long watermark, WatermarkOutput output) {
        emitted = watermark;
        output.emitWatermark(new Watermark(watermark));
    }
}
