package dev.kappa.common.metrics;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * A count kept twice: as a metric (live, for dashboards and alerts) and as an accumulator (exact
 * and final, so a bounded run can print its totals when the job ends).
 */
public final class Tally {

    private final Counter counter;
    private final LongCounter accumulator;

    private Tally(Counter counter, LongCounter accumulator) {
        this.counter = counter;
        this.accumulator = accumulator;
    }

    /** {@code name} is both the metric name under {@code kappa.} and the accumulator name. */
    public static Tally register(RuntimeContext context, String name) {
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(name, accumulator);
        return new Tally(KappaMetrics.group(context).counter(name), accumulator);
    }

    /** The final total of a tally in a finished job; 0 if nothing was ever counted. */
    public static long total(JobExecutionResult result, String name) {
        Long value = result.getAccumulatorResult(name);
        return value == null ? 0 : value;
    }

    public void increment() {
        counter.inc();
        accumulator.add(1L);
    }

    public void add(long count) {
        counter.inc(count);
        accumulator.add(count);
    }
}
