package dev.kappa.jobs.dedup;

import java.time.Instant;
import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.TimeUtils;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.metrics.CheckpointAge;
import dev.kappa.common.metrics.KappaMetrics;
import dev.kappa.common.metrics.Tally;

/**
 * Keyed by event_id ({@link EventIdKey}): forwards the first occurrence of each id unchanged, with
 * its log position, and drops the rest. An id is remembered until the watermark passes its first event time plus the
 * retention; then a timer clears it, so state holds one flag and one timer per id of the last
 * retention period and nothing else. An event whose expiry the watermark has already passed cannot
 * be vouched for and follows {@link DedupSettings#tooLate()}. Every record read is counted exactly
 * once: unique, duplicate, too late or invalid.
 *
 * <p>A restored job's watermark can be lower than before: Flink does not checkpoint watermarks, and
 * even resumed ones ({@code CheckpointedWatermarks}) count a source that had gone idle again until it
 * is idle once more. Its state has already lost the ids the old watermark expired, so the highest
 * watermark this function has acted on is checkpointed too, and the too-late test never uses a lower
 * one; otherwise a forgotten id's repeat would pass as unique.
 */
public final class EventIdDeduplicator extends KeyedProcessFunction<Tuple2<Long, Long>, LoggedEvent, LoggedEvent>
        implements CheckpointedFunction, CheckpointListener {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dedup-dead-letters") { };

    public static final String UNIQUE = "dedup_unique";
    public static final String DUPLICATES = "dedup_duplicates";
    public static final String TOO_LATE = "dedup_too_late";
    /** Log records without key or value; they go to the DLQ. */
    public static final String INVALID = "dedup_invalid";
    public static final String IDS_REMEMBERED = "dedup_ids_remembered";

    private final DedupSettings settings;

    private transient ValueState<Boolean> seen;
    private transient ListState<Long> rememberedCheckpoint;
    private transient long remembered;
    private transient ListState<Long> watermarkCheckpoint;
    private transient long highestWatermark;
    private transient Tally unique;
    private transient Tally duplicates;
    private transient Tally tooLate;
    private transient Tally invalid;
    private transient CheckpointAge checkpointAge;

    public EventIdDeduplicator(DedupSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Operator (not keyed) state: after a rescale each subtask's count is off, but their sum, which is
        // what a dashboard shows, stays exact.
        rememberedCheckpoint = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("ids-remembered", Types.LONG));
        remembered = 0;
        for (Long count : rememberedCheckpoint.get()) {
            remembered += count;
        }
        // Every subtask sees the same watermarks (they come through the keyBy from all sources), so any
        // subtask's is good for all. A plain list, not a union list (which Flink cannot checkpoint once some
        // subtasks of a bounded run have finished): at an unchanged or lower parallelism each subtask gets
        // one or more back; after a scale-up, one that gets none starts without, as Flink itself does.
        watermarkCheckpoint = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("watermark", Types.LONG));
        highestWatermark = Long.MIN_VALUE;
        for (Long restored : watermarkCheckpoint.get()) {
            highestWatermark = Math.max(highestWatermark, restored);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        rememberedCheckpoint.update(List.of(remembered));
        watermarkCheckpoint.update(List.of(highestWatermark));
    }

    @Override
    public void open(OpenContext openContext) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
        unique = Tally.register(getRuntimeContext(), UNIQUE);
        duplicates = Tally.register(getRuntimeContext(), DUPLICATES);
        tooLate = Tally.register(getRuntimeContext(), TOO_LATE);
        invalid = Tally.register(getRuntimeContext(), INVALID);
        KappaMetrics.group(getRuntimeContext()).gauge(IDS_REMEMBERED, this::idsRemembered);
        checkpointAge = CheckpointAge.register(getRuntimeContext());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointAge.completed();
    }

    @Override
    public void processElement(LoggedEvent logged, Context ctx, Collector<LoggedEvent> out) throws Exception {
        CanonicalEvent event = logged.event();
        if (event.json() == null) {
            invalid(logged, ctx, RejectReason.NULL_VALUE, "record on the log has no value");
            return;
        }
        if (event.eventId().isEmpty()) {
            invalid(logged, ctx, RejectReason.MISSING_FIELD, "record on the log has no key (event_id)");
            return;
        }
        if (seen.value() != null) {
            duplicates.increment();
            return;
        }
        long expiry = expiry(event.eventTimeMillis());
        long watermark = advanceWatermark(ctx.timerService().currentWatermark());
        if (expiry <= watermark) {
            tooLate(logged, ctx, out, watermark);
            return;
        }
        seen.update(Boolean.TRUE);
        ctx.timerService().registerEventTimeTimer(expiry);
        remembered++;
        unique.increment();
        out.collect(logged);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<LoggedEvent> out) {
        advanceWatermark(ctx.timerService().currentWatermark());
        seen.clear();
        remembered--;
    }

    private long advanceWatermark(long current) {
        highestWatermark = Math.max(highestWatermark, current);
        return highestWatermark;
    }

    /** Ids this subtask currently remembers (after a rescale, only the sum over subtasks is exact). */
    long idsRemembered() {
        return remembered;
    }

    private long expiry(long eventTimeMillis) {
        long retention = settings.retention().toMillis();
        return eventTimeMillis > Long.MAX_VALUE - retention ? Long.MAX_VALUE : eventTimeMillis + retention;
    }

    private void tooLate(LoggedEvent logged, Context ctx, Collector<LoggedEvent> out, long watermark) {
        tooLate.increment();
        switch (settings.tooLate()) {
            case FORWARD -> out.collect(logged);
            case DLQ -> deadLetter(logged, ctx, RejectReason.TOO_LATE, "event time "
                    + Instant.ofEpochMilli(logged.event().eventTimeMillis()) + " is more than "
                    + TimeUtils.formatWithHighestUnit(settings.retention()) + " (" + DedupOptions.RETENTION.key()
                    + ") behind the watermark " + Instant.ofEpochMilli(watermark) + "; its id is no longer remembered");
            case DROP -> { }
        }
    }

    private void invalid(LoggedEvent logged, Context ctx, RejectReason reason, String detail) {
        invalid.increment();
        deadLetter(logged, ctx, reason, detail);
    }

    private void deadLetter(LoggedEvent logged, Context ctx, RejectReason reason, String detail) {
        ctx.output(DEAD_LETTERS, new DeadLetter(logged.asRawRecord(), reason, detail));
    }
}
