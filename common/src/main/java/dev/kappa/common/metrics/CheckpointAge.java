package dev.kappa.common.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Gauge;

/**
 * Milliseconds since this subtask last saw a checkpoint complete (or since it started, before the
 * first). Exactly-once output only becomes visible at checkpoints, so this is how stale the job's
 * output is; Flink's own metrics give the last checkpoint's id and duration but not its time.
 */
public final class CheckpointAge implements Gauge<Long> {

    public static final String NAME = "checkpoint_age_ms";

    private volatile long lastCompletedMillis = System.currentTimeMillis();

    private CheckpointAge() {
    }

    public static CheckpointAge register(RuntimeContext context) {
        CheckpointAge age = new CheckpointAge();
        KappaMetrics.group(context).gauge(NAME, age);
        return age;
    }

    /** Call from {@code notifyCheckpointComplete}. */
    public void completed() {
        lastCompletedMillis = System.currentTimeMillis();
    }

    @Override
    public Long getValue() {
        return System.currentTimeMillis() - lastCompletedMillis;
    }
}
