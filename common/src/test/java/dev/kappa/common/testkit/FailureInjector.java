package dev.kappa.common.testkit;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Passes records through and throws, a set number of times per job, once this subtask has seen a
 * number of records (fixed, or drawn anew from a seeded range at every (re)start) and a checkpoint
 * has completed since it (re)started. The failure is
 * therefore always recovered from a real checkpoint: the case exactly-once must survive. While a
 * failure is due but no checkpoint has completed yet, it slows the stream down so that a fast
 * bounded source cannot run out before the failure happens.
 */
public final class FailureInjector<T> implements MapFunction<T, T>, CheckpointListener {

    private static final Map<String, AtomicInteger> REMAINING = new ConcurrentHashMap<>();

    private static final Map<String, SplittableRandom> RANDOM = new ConcurrentHashMap<>();

    private final String name;
    private final long minRecords;
    private final long maxRecords;
    private transient long afterRecords;
    private transient long seen;
    private transient boolean checkpointed;

    private FailureInjector(String name, long minRecords, long maxRecords) {
        this.name = name;
        this.minRecords = minRecords;
        this.maxRecords = maxRecords;
    }

    /** {@code name} must be unique per test: the failure budget is shared across restarts by name. */
    public static <T> FailureInjector<T> failTimes(String name, int failures, long afterRecords) {
        return failTimes(name, failures, afterRecords, afterRecords, 0);
    }

    /** Each (re)started subtask fails after a number of records drawn from [min, max], seeded with {@code seed}. */
    public static <T> FailureInjector<T> failTimes(String name, int failures, long minRecords, long maxRecords,
            long seed) {
        REMAINING.put(name, new AtomicInteger(failures));
        RANDOM.put(name, new SplittableRandom(seed));
        return new FailureInjector<>(name, minRecords, maxRecords);
    }

    /** Failures still to come; zero once every planned failure has happened. */
    public static int remaining(String name) {
        return REMAINING.get(name).get();
    }

    @Override
    public T map(T value) throws InterruptedException {
        if (afterRecords == 0) {
            SplittableRandom random = RANDOM.get(name);
            synchronized (random) {
                afterRecords = minRecords + random.nextLong(maxRecords - minRecords + 1);
            }
        }
        if (++seen < afterRecords || REMAINING.get(name).get() == 0) {
            return value;
        }
        if (!checkpointed) {
            Thread.sleep(2);
            return value;
        }
        if (REMAINING.get(name).getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new InjectedFailure("injected failure after " + seen + " records");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }

    /** Distinguishable from real errors in logs. */
    public static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String message) {
            super(message);
        }
    }
}
