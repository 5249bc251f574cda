package dev.kappa.jobs.dedup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.CheckpointType;
import org.apache.flink.runtime.state.AbstractKeyedStateBackend;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.InternalTimerServiceImpl;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.TimeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.metrics.CheckpointAge;
import dev.kappa.common.metrics.KappaMetrics;
import dev.kappa.common.metrics.Tally;

/**
 * Keyed by event_id ({@link EventIdKey}): forwards the first occurrence of each id unchanged, with
 * its log position, and drops the rest. An id is remembered until the watermark passes its first
 * event time plus the retention (its expiry). An event whose expiry the watermark has already passed
 * cannot be vouched for and follows {@link DedupSettings#tooLate()}. Every record read is counted
 * exactly once: unique, duplicate, too late or invalid.
 *
 * <p>Two state layouts, one per kind of backend, with the same decisions and the same sweeps:
 *
 * <ul>
 *   <li>On the heap backend, {@link ExpiringIdTables}: per key group, an array of (key, expiry)
 *       longs, written to Flink's raw keyed state at each checkpoint. Keyed heap state held each id
 *       as several objects (map entry, key tuple, boxed expiry, list element), copied on write while
 *       a checkpoint ran and serialized entry by entry into about 73 bytes; at 10 million ids that
 *       table and its snapshots, not the dedup logic, set the pace. The tables write 24 bytes an id
 *       as bulk arrays, in the synchronous part of the checkpoint (a fraction of a second for
 *       millions of ids), and are swept, one pass over each table with ids to forget, whenever the
 *       watermark reaches the end of a time slot.
 *   <li>On other backends (RocksDB, whose incremental checkpoints write only what changed), keyed
 *       state: each id's expiry under the id's key; and per key group, the ids that expire in each
 *       time slot (a list under one key of that key group, namespaced by the slot's end) with one
 *       timer for the slot. A new id costs a put and an append, and expiry walks each slot's list
 *       once. One timer per id, as before, made every event pay a priority-queue insert and later a
 *       poll whose cost grew with the number of ids remembered.
 * </ul>
 *
 * A time slot is a sixteenth of the retention. An id is a duplicate only while its expiry is ahead
 * of the watermark, whether or not its slot has been swept yet, so the slot width changes when
 * memory is freed, never which events are dropped. A savepoint moves between the two layouts when
 * it is restored on the other kind of backend.
 *
 * <p>In keyed state, most events carry an id not seen before, and asking the state about it is a lookup that finds
 * nothing: on the heap several cache misses once millions of ids are remembered, on RocksDB a read
 * through its levels (three quarters of RocksDB's time in a 10M-id profile). A fingerprint of each
 * remembered id (the key's low 64 bits) is kept on the heap as well, {@link IdFingerprints}, and the
 * state is asked only when the fingerprint is there. It is rebuilt from the state's keys when the
 * operator opens, so it is never checkpointed and follows the key groups on rescale. It costs 8
 * bytes of heap per slot in a table kept between an eighth and three quarters full: 11 to 21 bytes per
 * remembered id while ids accumulate.
 *
 * <p>A restored job's watermark can be lower than before: Flink does not checkpoint watermarks, and
 * even resumed ones ({@code CheckpointedWatermarks}) count a source that had gone idle again until it
 * is idle once more. Its state has already lost the ids the old watermark expired, so the highest
 * watermark this operator has acted on is checkpointed too, and the too-late test never uses a lower
 * one; otherwise a forgotten id's repeat would pass as unique.
 *
 * <p>A savepoint of the earlier layout (a flag and a timer per id, under the same uid) restores into
 * this one: its ids keep counting as remembered until their own timers fire, and no new id is
 * written that way.
 */
public final class EventIdDeduplicator extends AbstractStreamOperator<LoggedEvent>
        implements OneInputStreamOperator<LoggedEvent, LoggedEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EventIdDeduplicator.class);

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dedup-dead-letters") { };

    public static final String UNIQUE = "dedup_unique";
    public static final String DUPLICATES = "dedup_duplicates";
    public static final String TOO_LATE = "dedup_too_late";
    /** Log records without key or value; they go to the DLQ. */
    public static final String INVALID = "dedup_invalid";
    public static final String IDS_REMEMBERED = "dedup_ids_remembered";

    /** Slots per retention: more slots free memory sooner after expiry, at one timer per slot and key group. */
    private static final int SLOTS_PER_RETENTION = 16;
    private static final String EXPIRY = "expiry";
    /** Keys of the slot lists start with this; an id's key (a SHA-256 prefix) does with odds of 2^-64. */
    private static final long SLOT_KEY_MARK = Long.MIN_VALUE;

    private final DedupSettings settings;

    /** The ids on the heap backend, null on the others (which keep them in keyed state, below). */
    private transient ExpiringIdTables tables;
    private transient long nextSweep;

    private transient ValueState<Long> expiry;
    private transient IdFingerprints fingerprints;
    private transient InternalListState<Tuple2<Long, Long>, Long, Tuple2<Long, Long>> expiring;
    private transient InternalTimerService<Long> slotTimers;
    private transient Tuple2<Long, Long>[] slotKeys;
    private transient long[] lastSlotRegistered;
    private transient long slotWidth;

    private transient ValueState<Boolean> legacySeen;
    private transient InternalTimerService<VoidNamespace> legacyTimers;
    private transient boolean legacyRemains;

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
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
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
        refuseUnsupportedBackend();
        var task = getRuntimeContext().getTaskInfo();
        tables = new ExpiringIdTables(KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
                task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks(),
                task.getIndexOfThisSubtask()));
        long started = System.nanoTime();
        tables.read(context.getRawKeyedStateInputs());
        if (tables.size() > 0) {
            LOG.info("Dedup subtask {} restored the {} ids of its heap id tables in {} ms", task.getIndexOfThisSubtask(),
                    tables.size(), (System.nanoTime() - started) / 1_000_000);
        }
        nextSweep = Long.MIN_VALUE;
    }

    /**
     * Before the raw keyed state is read, so that a checkpoint such a setup took fails with this and
     * not with what its unreadable state would say.
     */
    private void refuseUnsupportedBackend() {
        if (getKeyedStateBackend() instanceof BatchExecutionKeyedStateBackend<?>) {
            // that backend keeps the state of one key at a time and clears it on each change of key
            throw new IllegalStateException("Dedup cannot run in BATCH execution mode: it keeps only the current"
                    + " key's state, so no event_id would be remembered past the next one. Set"
                    + " execution.runtime-mode to STREAMING (the default); a bounded run ends by itself when its"
                    + " input ends.");
        }
        if (getKeyedStateBackend() instanceof AbstractKeyedStateBackend<?> backend
                && backend.requiresLegacySynchronousTimerSnapshots(CheckpointType.CHECKPOINT)) {
            throw new IllegalStateException("Dedup cannot run on a state backend that writes its timers into raw"
                    + " keyed state (RocksDB with state.backend.rocksdb.timer-service.factory: HEAP): dedup writes"
                    + " its own ids there. Set state.backend.rocksdb.timer-service.factory to ROCKSDB (the"
                    + " default) and restart the job from a savepoint.");
        }
    }

    /**
     * Always: Flink asks before the backend is known (to decide whether raw keyed state holds timers
     * to restore) and again at each snapshot, and the two answers must agree. The one setup where
     * Flink would write timers there, RocksDB with heap timers, is refused before raw keyed state is read.
     */
    @Override
    protected boolean isUsingCustomRawKeyedState() {
        return true;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        rememberedCheckpoint.update(List.of(remembered));
        watermarkCheckpoint.update(List.of(highestWatermark));
        if (tables != null) {
            tables.write(context.getRawKeyedOperatorStateOutput());
        }
        legacyRemains = legacyRemains && hasTimers(legacyTimers);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        expiry = getPartitionedState(new ValueStateDescriptor<>(EXPIRY, Types.LONG));
        ListState<Tuple2<Long, Long>> lists = getPartitionedState(0L, LongSerializer.INSTANCE,
                new ListStateDescriptor<>("expiring", EventIdKeySerializer.INSTANCE));
        // its namespace is the slot, set per access
        expiring = (InternalListState<Tuple2<Long, Long>, Long, Tuple2<Long, Long>>) lists;
        slotTimers = getInternalTimerService("expiry-slots", LongSerializer.INSTANCE, new SlotSweep());
        long retention = settings.retention().toMillis();
        slotWidth = Math.max(1, retention / SLOTS_PER_RETENTION);
        int keyGroups = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        slotKeys = new Tuple2[keyGroups];
        lastSlotRegistered = new long[keyGroups];
        Arrays.fill(lastSlotRegistered, Long.MIN_VALUE);

        // the layout of earlier versions, read (never written) until the last of its timers has fired
        legacySeen = getPartitionedState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
        legacyTimers = getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, new LegacyExpiry());
        legacyRemains = hasTimers(legacyTimers);

        if (getKeyedStateBackend() instanceof HeapKeyedStateBackend) {
            moveKeyedStateIdsToTables();
            fingerprints = new IdFingerprints();
        } else {
            fingerprints = rememberedFingerprints();
            moveTableIdsToKeyedState();
            tables = null;
        }

        unique = Tally.register(getRuntimeContext(), UNIQUE);
        duplicates = Tally.register(getRuntimeContext(), DUPLICATES);
        tooLate = Tally.register(getRuntimeContext(), TOO_LATE);
        invalid = Tally.register(getRuntimeContext(), INVALID);
        KappaMetrics.group(getRuntimeContext()).gauge(IDS_REMEMBERED, this::idsRemembered);
        checkpointAge = CheckpointAge.register(getRuntimeContext());
    }

    private IdFingerprints rememberedFingerprints() throws Exception {
        long started = System.nanoTime();
        IdFingerprints restored = new IdFingerprints();
        try (Stream<Tuple2<Long, Long>> ids = this.<Tuple2<Long, Long>>getKeyedStateBackend()
                .getKeys(EXPIRY, VoidNamespace.INSTANCE)) {
            ids.forEach(id -> restored.add(id.f1));
        }
        if (restored.size() > 0) {
            LOG.info("Dedup subtask {} rebuilt the fingerprints of the {} ids its restored state remembers in {} ms",
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), restored.size(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return restored;
    }

    /** A savepoint of the layout before the tables, or of another backend, restored on the heap. */
    @SuppressWarnings("unchecked")
    private void moveKeyedStateIdsToTables() throws Exception {
        List<Tuple2<Long, Long>> ids;
        try (Stream<Tuple2<Long, Long>> keys = this.<Tuple2<Long, Long>>getKeyedStateBackend()
                .getKeys(EXPIRY, VoidNamespace.INSTANCE)) {
            ids = keys.map(key -> Tuple2.of(key.f0, key.f1)).toList();
        }
        for (Tuple2<Long, Long> id : ids) {
            setCurrentKey(id);
            currentTable().put(id.f0, id.f1, expiry.value());
            expiry.clear();
            remembered--;
        }
        List<Tuple2<Tuple2<Long, Long>, Long>> slots;
        try (Stream<Tuple2<Tuple2<Long, Long>, Long>> listed = this.<Tuple2<Long, Long>>getKeyedStateBackend()
                .getKeysAndNamespaces("expiring")) {
            slots = listed.map(slot -> Tuple2.of(Tuple2.of(slot.f0.f0, slot.f0.f1), slot.f1)).toList();
        }
        for (Tuple2<Tuple2<Long, Long>, Long> slot : slots) {
            setCurrentKey(slot.f0);
            expiring.setCurrentNamespace(slot.f1);
            expiring.clear();
        }
        if (!ids.isEmpty()) {
            LOG.info("Dedup subtask {} moved the {} ids its restored keyed state remembered into its heap id tables",
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), ids.size());
        }
    }

    /** A savepoint taken on the heap restored on another backend (RocksDB). */
    private void moveTableIdsToKeyedState() throws Exception {
        long moved = tables.size();
        tables.forEach((hi, lo, expires) -> {
            setCurrentKey(Tuple2.of(hi, lo));
            if (expiry.value() == null) {
                remembered++;
                fingerprints.add(lo);
            }
            expiry.update(expires);
            expireInSlot(expires);
        });
        if (moved > 0) {
            LOG.info("Dedup subtask {} moved the {} ids of its restored heap id tables into keyed state",
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), moved);
        }
    }

    private static boolean hasTimers(InternalTimerService<?> timers) {
        // only the streaming timer service can tell; elsewhere assume there may be some
        return !(timers instanceof InternalTimerServiceImpl<?, ?> impl) || impl.numEventTimeTimers() > 0;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        checkpointAge.completed();
    }

    @Override
    public void processElement(StreamRecord<LoggedEvent> record) throws Exception {
        LoggedEvent logged = record.getValue();
        CanonicalEvent event = logged.event();
        if (event.json() == null) {
            invalid(record, RejectReason.NULL_VALUE, "record on the log has no value");
            return;
        }
        if (event.eventId().isEmpty()) {
            invalid(record, RejectReason.MISSING_FIELD, "record on the log has no key (event_id)");
            return;
        }
        long watermark = advanceWatermark(slotTimers.currentWatermark());
        @SuppressWarnings("unchecked")
        Tuple2<Long, Long> id = (Tuple2<Long, Long>) getCurrentKey();
        long remembers = rememberedExpiry(id);
        if (remembers > watermark || legacyRemains && legacySeen.value() != null) {
            duplicates.increment();
            return;
        }
        long expires = expiry(event.eventTimeMillis());
        if (expires <= watermark) {
            tooLate(record, watermark);
            return;
        }
        remember(id, expires, remembers == ExpiringIdTable.NOT_REMEMBERED);
        unique.increment();
        output.collect(record);
    }

    /** The current id's expiry, or {@link ExpiringIdTable#NOT_REMEMBERED}. */
    private long rememberedExpiry(Tuple2<Long, Long> id) throws Exception {
        if (tables != null) {
            return currentTable().expiryOf(id.f0, id.f1);
        }
        Long remembers = fingerprints.mightContain(id.f1) ? expiry.value() : null;
        return remembers == null ? ExpiringIdTable.NOT_REMEMBERED : remembers;
    }

    /** The table of the current key's key group; only on the heap backend. */
    private ExpiringIdTable currentTable() {
        return tables.of(((AbstractKeyedStateBackend<?>) getKeyedStateBackend()).getCurrentKeyGroupIndex());
    }

    /** {@code isNew}: not held at all; otherwise held past its expiry, not yet swept, and the sweep keeps it. */
    private void remember(Tuple2<Long, Long> id, long expires, boolean isNew) throws Exception {
        if (tables != null) {
            currentTable().put(id.f0, id.f1, expires);
            return;
        }
        expiry.update(expires);
        if (isNew) {
            remembered++;
            fingerprints.add(id.f1);
        }
        expireInSlot(expires);
    }

    /**
     * On the heap, the ids whose slot has ended are swept when the watermark reaches a slot's end, the
     * same ids at the same watermarks as the slot timers of keyed state, so a savepoint restored on
     * the other backend frees memory on the same schedule.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = advanceWatermark(mark.getTimestamp());
        // At the end of input nothing is read after it, so nothing is gained by freeing the ids. Before
        // the first slot could end (the initial Long.MIN_VALUE) there is nothing to free, and the slot
        // arithmetic would overflow.
        if (tables != null && watermark >= nextSweep && watermark != Long.MAX_VALUE
                && watermark >= Long.MIN_VALUE + slotWidth) {
            long lastSlotEnded = Math.floorDiv(watermark, slotWidth) * slotWidth;
            tables.forgetExpired(lastSlotEnded);
            nextSweep = lastSlotEnded > Long.MAX_VALUE - slotWidth ? Long.MAX_VALUE : lastSlotEnded + slotWidth;
        }
        super.processWatermark(mark);
    }

    /** Lists the current key under the slot {@code expires} falls in, and makes sure the slot has its timer. */
    @SuppressWarnings("unchecked")
    private void expireInSlot(long expires) throws Exception {
        Tuple2<Long, Long> id = (Tuple2<Long, Long>) getCurrentKey();
        int keyGroup = KeyGroupRangeAssignment.assignToKeyGroup(id, slotKeys.length);
        long slotEnd = expires > Long.MAX_VALUE - slotWidth ? Long.MAX_VALUE
                : Math.floorDiv(expires + slotWidth - 1, slotWidth) * slotWidth;
        setCurrentKey(slotKey(keyGroup));
        expiring.setCurrentNamespace(slotEnd);
        expiring.add(id);
        if (lastSlotRegistered[keyGroup] != slotEnd) {
            slotTimers.registerEventTimeTimer(slotEnd, slotEnd);
            lastSlotRegistered[keyGroup] = slotEnd;
        }
        setCurrentKey(id);
    }

    /**
     * A key of {@code keyGroup} that no id has, under which that key group's slot lists and timers
     * live: they move with the key group when the job is rescaled.
     */
    private Tuple2<Long, Long> slotKey(int keyGroup) {
        Tuple2<Long, Long> key = slotKeys[keyGroup];
        if (key == null) {
            for (long candidate = 0; key == null; candidate++) {
                Tuple2<Long, Long> probe = Tuple2.of(SLOT_KEY_MARK, candidate);
                int group = KeyGroupRangeAssignment.assignToKeyGroup(probe, slotKeys.length);
                if (slotKeys[group] == null) {
                    slotKeys[group] = probe;
                }
                key = slotKeys[keyGroup];
            }
        }
        return key;
    }

    /** Forgets the ids of a slot whose end the watermark has passed (unless one was remembered again since). */
    private final class SlotSweep implements Triggerable<Tuple2<Long, Long>, Long> {

        @Override
        @SuppressWarnings("unchecked")
        public void onEventTime(InternalTimer<Tuple2<Long, Long>, Long> timer) throws Exception {
            long watermark = advanceWatermark(slotTimers.currentWatermark());
            Tuple2<Long, Long> slotKey = timer.getKey();
            expiring.setCurrentNamespace(timer.getNamespace());
            if (watermark == Long.MAX_VALUE) {
                // The input has ended: only a finished or drained source sends this watermark, and nothing
                // is read after it. Forgetting each id would cost a read and a delete per id remembered (a
                // bounded replay of a week of log would spend minutes on it) for a state no one reads again.
                expiring.clear();
                return;
            }
            List<Tuple2<Long, Long>> ids = new ArrayList<>();
            Iterable<Tuple2<Long, Long>> listed = expiring.get();
            if (listed != null) {
                listed.forEach(ids::add);
            }
            expiring.clear();
            for (Tuple2<Long, Long> id : ids) {
                setCurrentKey(id);
                Long expires = expiry.value();
                if (expires != null && expires <= watermark) {
                    expiry.clear();
                    remembered--;
                    fingerprints.remove(id.f1);
                }
            }
            setCurrentKey(slotKey);
        }

        @Override
        public void onProcessingTime(InternalTimer<Tuple2<Long, Long>, Long> timer) {
            throw new IllegalStateException("dedup registers no processing-time timers");
        }
    }

    /** An id remembered the earlier way (a flag and a timer per id) is forgotten when its timer fires. */
    private final class LegacyExpiry implements Triggerable<Tuple2<Long, Long>, VoidNamespace> {

        @Override
        public void onEventTime(InternalTimer<Tuple2<Long, Long>, VoidNamespace> timer) throws Exception {
            advanceWatermark(legacyTimers.currentWatermark());
            legacySeen.clear();
            remembered--;
        }

        @Override
        public void onProcessingTime(InternalTimer<Tuple2<Long, Long>, VoidNamespace> timer) {
            throw new IllegalStateException("dedup registers no processing-time timers");
        }
    }

    private long advanceWatermark(long current) {
        highestWatermark = Math.max(highestWatermark, current);
        return highestWatermark;
    }

    /** Ids this subtask currently remembers (after a rescale, only the sum over subtasks is exact). */
    long idsRemembered() {
        return remembered + (tables == null ? 0 : tables.size());
    }

    /** Fingerprints held: one per id remembered the current way, whatever the count after a rescale. */
    int fingerprintsHeld() {
        return fingerprints.size();
    }

    private long expiry(long eventTimeMillis) {
        long retention = settings.retention().toMillis();
        return eventTimeMillis > Long.MAX_VALUE - retention ? Long.MAX_VALUE : eventTimeMillis + retention;
    }

    private void tooLate(StreamRecord<LoggedEvent> record, long watermark) {
        tooLate.increment();
        switch (settings.tooLate()) {
            case FORWARD -> output.collect(record);
            case DLQ -> deadLetter(record, RejectReason.TOO_LATE, "event time "
                    + Instant.ofEpochMilli(record.getValue().event().eventTimeMillis()) + " is more than "
                    + TimeUtils.formatWithHighestUnit(settings.retention()) + " (" + DedupOptions.RETENTION.key()
                    + ") behind the watermark " + Instant.ofEpochMilli(watermark) + "; its id is no longer remembered");
            case DROP -> { }
        }
    }

    private void invalid(StreamRecord<LoggedEvent> record, RejectReason reason, String detail) {
        invalid.increment();
        deadLetter(record, reason, detail);
    }

    private void deadLetter(StreamRecord<LoggedEvent> record, RejectReason reason, String detail) {
        output.collect(DEAD_LETTERS, new StreamRecord<>(new DeadLetter(record.getValue().asRawRecord(), reason, detail),
                record.getTimestamp()));
    }
}
