package dev.kappa.common.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class MinuteWatermarksTest {

    private static final long SECOND = 1000;

    /** Collects what the generator emits. */
    private static final class Emitted implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    }

    @Test
    void emitsAtOnceOnlyWhenTheWatermarkCrossesAMinuteAndPeriodicallyAsAlways() {
        MinuteWatermarks<String> generator = new MinuteWatermarks<>(Duration.ofSeconds(30));
        Emitted out = new Emitted();
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(Long.MIN_VALUE);

        out.watermarks.clear();
        generator.onEvent("a", 100 * SECOND, out);   // watermark 69.999 s: first one, in minute 1
        generator.onEvent("b", 110 * SECOND, out);   // 79.999 s: same minute
        generator.onEvent("c", 95 * SECOND, out);    // older: nothing moves
        generator.onEvent("d", 150 * SECOND, out);   // 119.999 s: still minute 1
        generator.onEvent("e", 151 * SECOND, out);   // 120.999 s: minute 2
        assertThat(out.watermarks).containsExactly(100 * SECOND - 30 * SECOND - 1, 151 * SECOND - 30 * SECOND - 1);

        out.watermarks.clear();
        generator.onEvent("f", 170 * SECOND, out);
        generator.onPeriodicEmit(out);
        assertThat(out.watermarks).containsExactly(170 * SECOND - 30 * SECOND - 1);
    }
}
