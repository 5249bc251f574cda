package dev.kappa.common.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Passes records through and, once per test, holds the first snapshot taken after it has seen a
 * number of records for a set time: a checkpoint slower than its timeout, as a slow state backend or
 * a stalled disk makes one.
 */
public final class CheckpointStall<T> implements MapFunction<T, T>, CheckpointedFunction {

    private static final Map<String, AtomicBoolean> PENDING = new ConcurrentHashMap<>();

    private final String name;
    private final long afterRecords;
    private final long stallMillis;
    private transient long seen;

    private CheckpointStall(String name, long afterRecords, Duration stall) {
        this.name = name;
        this.afterRecords = afterRecords;
        this.stallMillis = stall.toMillis();
    }

    /** {@code name} must be unique per test: the one stall is shared across restarts by name. */
    public static <T> CheckpointStall<T> once(String name, long afterRecords, Duration stall) {
        PENDING.put(name, new AtomicBoolean(true));
        return new CheckpointStall<>(name, afterRecords, stall);
    }

    /** True once the stall has happened. */
    public static boolean happened(String name) {
        return !PENDING.get(name).get();
    }

    @Override
    public T map(T value) {
        seen++;
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws InterruptedException {
        if (seen >= afterRecords && PENDING.get(name).compareAndSet(true, false)) {
            Thread.sleep(stallMillis);
        }
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // stateless: it only delays a snapshot
    }
}
