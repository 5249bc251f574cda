package dev.kappa.common.flink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The operator in Flink's harness: snapshots taken at parallelism 2, restored at 2 and rescaled. */
class CheckpointedWatermarksTest {

    private static final int MAX_PARALLELISM = 128;

    private static OneInputStreamOperatorTestHarness<String, String> open(OperatorSubtaskState restored,
            int parallelism, int subtask) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<String, String>(new CheckpointedWatermarks<>(),
                MAX_PARALLELISM, parallelism, subtask);
        if (restored != null) {
            harness.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(restored,
                    MAX_PARALLELISM, 2, parallelism, subtask));
        }
        harness.open();
        return harness;
    }

    /** Subtask 0 got to watermark 100, subtask 1 (whose partitions ran ahead) to 200. */
    private static OperatorSubtaskState snapshotAtParallelismTwo() throws Exception {
        List<OperatorSubtaskState> states = new ArrayList<>();
        long[] watermarks = {100, 200};
        for (int subtask = 0; subtask < 2; subtask++) {
            try (var harness = open(null, 2, subtask)) {
                harness.processElement(new StreamRecord<>("a", 1));
                harness.processWatermark(new Watermark(watermarks[subtask] - 50));
                harness.processWatermark(new Watermark(watermarks[subtask]));
                assertThat(harness.getOutput()).containsExactly(new StreamRecord<>("a", 1),
                        new Watermark(watermarks[subtask] - 50), new Watermark(watermarks[subtask]));
                states.add(harness.snapshot(1, 1));
            }
        }
        return AbstractStreamOperatorTestHarness.repackageState(states.toArray(OperatorSubtaskState[]::new));
    }

    @Test
    void aFreshStartEmitsNoWatermarkOfItsOwn() throws Exception {
        try (var harness = open(null, 1, 0)) {
            assertThat(harness.getOutput()).isEmpty();
        }
    }

    @Test
    void eachRestoredSubtaskResumesAtItsOwnWatermarkBeforeAnyRecordAndNeverGoesBack() throws Exception {
        OperatorSubtaskState snapshot = snapshotAtParallelismTwo();
        try (var first = open(snapshot, 2, 0); var second = open(snapshot, 2, 1)) {
            assertThat(first.getOutput()).containsExactly(new Watermark(100));
            assertThat(second.getOutput()).containsExactly(new Watermark(200));

            // the restored source starts again from its minimum
            first.processWatermark(new Watermark(60));
            first.processElement(new StreamRecord<>("b", 70));
            first.processWatermark(new Watermark(100));
            first.processWatermark(new Watermark(150));
            assertThat(first.getOutput()).containsExactly(new Watermark(100), new StreamRecord<>("b", 70),
                    new Watermark(150));
        }
    }

    @Test
    void afterARescaleNoSubtaskResumesAWatermarkThatMayNotFitItsPartitions() throws Exception {
        OperatorSubtaskState snapshot = snapshotAtParallelismTwo();
        for (int parallelism : new int[] {1, 3}) {
            for (int subtask = 0; subtask < parallelism; subtask++) {
                try (var harness = open(snapshot, parallelism, subtask)) {
                    assertThat(harness.getOutput()).as("subtask %d of %d", subtask, parallelism).isEmpty();
                    harness.processWatermark(new Watermark(50));
                    assertThat(harness.getOutput()).containsExactly(new Watermark(50));
                }
            }
        }
    }
}
