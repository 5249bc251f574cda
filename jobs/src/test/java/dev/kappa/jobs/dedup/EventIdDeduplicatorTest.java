package dev.kappa.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.event.RejectReason;

/** The deduplicator alone, in Flink's operator harness: state, timers and watermarks driven by hand. */
class EventIdDeduplicatorTest {

    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final int MAX_PARALLELISM = 128;

    private static DedupSettings settings(Duration retention, DedupOptions.TooLate tooLate) {
        return new DedupSettings(retention, tooLate);
    }

    /** A deduplicator under test plus its harness; {@code restored} may be null. */
    private record Subject(EventIdDeduplicator function,
            KeyedOneInputStreamOperatorTestHarness<Tuple2<Long, Long>, LoggedEvent, LoggedEvent> harness) {

        static Subject open(DedupSettings settings, OperatorSubtaskState restored, int parallelism, int subtask)
                throws Exception {
            return open(settings, restored, parallelism, subtask, null);
        }

        static Subject open(DedupSettings settings, OperatorSubtaskState restored, int parallelism, int subtask,
                StateBackend backend) throws Exception {
            EventIdDeduplicator function = new EventIdDeduplicator(settings);
            var harness = new KeyedOneInputStreamOperatorTestHarness<>(function,
                    new EventIdKey(), EventIdKey.TYPE, MAX_PARALLELISM, parallelism,
                    subtask);
            if (backend != null) {
                harness.setStateBackend(backend);
            }
            try {
                if (restored != null) {
                    harness.initializeState(restored);
                }
                harness.open();
            } catch (Exception | Error refused) {
                harness.close();
                throw refused;
            }
            return new Subject(function, harness);
        }

        static Subject open(DedupSettings settings) throws Exception {
            return open(settings, null, 1, 0);
        }

        static Subject open(DedupSettings settings, String backendName) throws Exception {
            return open(settings, null, 1, 0, backend(backendName));
        }

        /** No id, list, timer or fingerprint is left, whichever layout held them. */
        void holdsNothing() {
            assertThat(function.idsRemembered()).isZero();
            assertThat(function.fingerprintsHeld()).isZero();
            assertThat(harness.numEventTimeTimers()).isZero();
            if (onHeap()) {
                assertThat(harness.numKeyedStateEntries()).isZero();
            }
        }

        /** The harness counts keyed state entries on the heap only. */
        boolean onHeap() {
            return function.getKeyedStateBackend() instanceof HeapKeyedStateBackend;
        }

        void send(LoggedEvent logged) throws Exception {
            harness.processElement(new StreamRecord<>(logged, logged.event().eventTimeMillis()));
        }

        List<String> forwardedIds() {
            return harness.extractOutputValues().stream().map(logged -> logged.event().eventId()).toList();
        }

        List<DeadLetter> deadLetters() {
            return harness.getSideOutput(EventIdDeduplicator.DEAD_LETTERS) == null ? List.of()
                    : harness.getSideOutput(EventIdDeduplicator.DEAD_LETTERS).stream().map(StreamRecord::getValue)
                            .toList();
        }

        long count(String tally) {
            Object value = function.getRuntimeContext().getAccumulator(tally).getLocalValue();
            return (Long) value;
        }
    }

    private static long offsets;

    private static LoggedEvent event(String id, long eventTime) {
        byte[] json = ("{\"event_id\":\"" + id + "\",\"event_time\":" + eventTime + ",\"n\":" + offsets + "}")
                .getBytes(StandardCharsets.UTF_8);
        return new LoggedEvent(new CanonicalEvent(id, eventTime, json), "events.valid", 1, offsets++);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void forwardsTheFirstOccurrenceUnchangedAndDropsEveryRepeat(String backendName) throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofDays(7), DedupOptions.TooLate.DLQ), backendName);
        LoggedEvent first = event("a", 10 * HOUR);
        dedup.send(first);
        dedup.send(event("b", 10 * HOUR + 1));
        dedup.send(event("a", 10 * HOUR));
        dedup.send(event("a", 12 * HOUR));
        dedup.send(event("c", 9 * HOUR));
        dedup.send(event("b", 10 * HOUR + 1));

        assertThat(dedup.forwardedIds()).containsExactly("a", "b", "c");
        LoggedEvent forwarded = dedup.harness().extractOutputValues().get(0);
        assertThat(forwarded.event().json()).isEqualTo(first.event().json());
        assertThat(forwarded).extracting(LoggedEvent::topic, LoggedEvent::partition, LoggedEvent::offset)
                .containsExactly(first.topic(), first.partition(), first.offset());
        assertThat(dedup.count(EventIdDeduplicator.UNIQUE)).isEqualTo(3);
        assertThat(dedup.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(3);
        assertThat(dedup.count(EventIdDeduplicator.TOO_LATE)).isZero();
        assertThat(dedup.function().idsRemembered()).isEqualTo(3);
    }

    /**
     * An id is freed at the end of its expiry's slot (a sixteenth of the retention, here 3 min 45 s;
     * both expiries below fall on a slot's end). In keyed state (RocksDB) each id is held by its
     * expiry and an entry in its slot's list, each slot by one timer; on the heap, in the id tables.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void stateAndTimersGoToZeroOnceTheWatermarkPassesFirstEventTimePlusRetention(String backendName)
            throws Exception {
        boolean keyed = backendName.equals("rocksdb");
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), backendName);
        dedup.send(event("a", 0));
        dedup.send(event("b", HOUR / 2));
        assertThat(dedup.function().idsRemembered()).isEqualTo(2);
        assertThat(dedup.harness().numEventTimeTimers()).isEqualTo(keyed ? 2 : 0);

        dedup.harness().processWatermark(HOUR - 1);
        dedup.send(event("a", 0));
        assertThat(dedup.forwardedIds()).containsExactly("a", "b");
        assertThat(dedup.function().idsRemembered()).isEqualTo(2);

        dedup.harness().processWatermark(HOUR);
        assertThat(dedup.function().idsRemembered()).isEqualTo(1);
        assertThat(dedup.harness().numEventTimeTimers()).isEqualTo(keyed ? 1 : 0);

        dedup.harness().processWatermark(HOUR + HOUR / 2);
        dedup.holdsNothing();
    }

    /**
     * The end of input (the watermark a finished source sends) fires every slot's timer; the slots' lists
     * go, but the ids in them are not read and deleted one by one: nothing reads this state again. On
     * the heap no sweep runs either.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theEndOfInputDropsTheSlotListsWithoutVisitingEachId(String backendName) throws Exception {
        boolean keyed = backendName.equals("rocksdb");
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), backendName);
        for (int i = 0; i < 100; i++) {
            dedup.send(numbered(i));
        }
        if (keyed) {
            assertThat(dedup.harness().numEventTimeTimers()).as("one per key group and slot").isPositive();
        } else {
            assertThat(dedup.harness().numEventTimeTimers()).isZero();
        }

        dedup.harness().processWatermark(Long.MAX_VALUE);
        assertThat(dedup.harness().numEventTimeTimers()).isZero();
        assertThat(dedup.function().idsRemembered()).as("each id, untouched").isEqualTo(100);
        assertThat(dedup.forwardedIds()).hasSize(100);
        assertThat(dedup.deadLetters()).isEmpty();
    }

    /**
     * Between an id's expiry and the end of its slot the id is still stored, but counts as forgotten:
     * which events are dropped never depends on when memory is freed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anIdPastItsExpiryIsForgottenBeforeItsSlotIsSwept(String backendName) throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), backendName);
        dedup.send(event("a", 60_000));
        dedup.harness().processWatermark(HOUR);
        dedup.harness().processWatermark(HOUR + 60_000);
        assertThat(dedup.function().idsRemembered()).as("swept at the slot's end, 1 h 3 min 45 s").isEqualTo(1);

        dedup.send(event("a", 60_000));
        dedup.send(event("a", 30 * 60_000));
        dedup.send(event("a", 2 * 60_000));
        assertThat(dedup.forwardedIds()).containsExactly("a", "a");
        assertThat(dedup.count(EventIdDeduplicator.TOO_LATE)).isEqualTo(1);
        assertThat(dedup.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(1);
        assertThat(dedup.function().idsRemembered()).as("remembered again, in place of its stale entry").isEqualTo(1);

        // the first slot's sweep finds "a" listed there, but remembered again until 1 h 30 min
        dedup.harness().processWatermark(HOUR + HOUR / 16);
        dedup.send(event("a", 5 * 60_000));
        assertThat(dedup.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(2);
        assertThat(dedup.function().idsRemembered()).isEqualTo(1);

        dedup.harness().processWatermark(HOUR + HOUR / 2);
        dedup.holdsNothing();
    }

    /**
     * Both layouts free an id at the end of its expiry's slot, not at its expiry, even when the first
     * watermark already lies between the two: a savepoint moved to the other backend frees memory on
     * the same schedule. Event times before 1970 (slots then end on the far side of zero) and a first
     * watermark near the lowest one change nothing.
     */
    @ParameterizedTest
    @CsvSource({"hashmap, 0", "rocksdb, 0", "hashmap, -8640000000", "rocksdb, -8640000000"})
    void anIdIsFreedAtTheEndOfItsExpirysSlot(String backendName, long base) throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), backendName);
        dedup.send(event("a", base + 60_000));
        dedup.harness().processWatermark(Long.MIN_VALUE + 1);
        dedup.harness().processWatermark(base + HOUR + 2 * 60_000);
        assertThat(dedup.function().idsRemembered()).as("expired at 1 h 1 min, its slot ends at 1 h 3 min 45 s")
                .isEqualTo(1);
        dedup.harness().processWatermark(base + HOUR + HOUR / 16);
        dedup.holdsNothing();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void eventsBehindTheWatermarkButWithinRetentionAreStillDeduplicated(String backendName) throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), backendName);
        dedup.harness().processWatermark(10 * HOUR);
        dedup.send(event("late", 9 * HOUR + HOUR / 2));
        dedup.send(event("late", 9 * HOUR + HOUR / 2));
        dedup.send(event("on-time", 10 * HOUR + 5));

        assertThat(dedup.forwardedIds()).containsExactly("late", "on-time");
        assertThat(dedup.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(1);
        assertThat(dedup.count(EventIdDeduplicator.TOO_LATE)).isZero();

        dedup.harness().processWatermark(10 * HOUR + HOUR / 2);
        assertThat(dedup.function().idsRemembered()).isEqualTo(1);
        dedup.harness().processWatermark(11 * HOUR + HOUR / 16);
        dedup.holdsNothing();
    }

    @ParameterizedTest
    @EnumSource(DedupOptions.TooLate.class)
    void eventsOlderThanWatermarkMinusRetentionFollowThePolicyAndLeaveNoState(DedupOptions.TooLate policy)
            throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), policy));
        dedup.harness().processWatermark(10 * HOUR);
        LoggedEvent tooLate = event("old", 9 * HOUR);
        dedup.send(tooLate);
        dedup.send(event("just-in-time", 9 * HOUR + 1));

        assertThat(dedup.count(EventIdDeduplicator.TOO_LATE)).isEqualTo(1);
        assertThat(dedup.function().idsRemembered()).isEqualTo(1);
        switch (policy) {
            case FORWARD -> assertThat(dedup.forwardedIds()).containsExactly("old", "just-in-time");
            case DROP -> assertThat(dedup.forwardedIds()).containsExactly("just-in-time");
            case DLQ -> {
                assertThat(dedup.forwardedIds()).containsExactly("just-in-time");
                assertThat(dedup.deadLetters()).singleElement().satisfies(letter -> {
                    assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LATE);
                    assertThat(letter.source().topic()).isEqualTo("events.valid");
                    assertThat(letter.source().offset()).isEqualTo(tooLate.offset());
                    assertThat(letter.source().key()).isEqualTo("old".getBytes(StandardCharsets.UTF_8));
                    assertThat(letter.source().value()).isEqualTo(tooLate.event().json());
                    assertThat(letter.detail()).contains("dedup.retention");
                });
            }
        }
        if (policy != DedupOptions.TooLate.DLQ) {
            assertThat(dedup.deadLetters()).isEmpty();
        }
    }

    @Test
    void aRepeatOfAStillRememberedIdIsADuplicateWhateverItsOwnEventTime() throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.FORWARD));
        dedup.send(event("a", 10 * HOUR));
        dedup.harness().processWatermark(10 * HOUR);
        dedup.send(event("a", HOUR));

        assertThat(dedup.forwardedIds()).containsExactly("a");
        assertThat(dedup.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(1);
        assertThat(dedup.count(EventIdDeduplicator.TOO_LATE)).isZero();
    }

    @Test
    void recordsWithoutKeyOrValueAreDeadLetteredNotForwarded() throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ));
        dedup.send(new LoggedEvent(new CanonicalEvent("", HOUR, "{}".getBytes(StandardCharsets.UTF_8)),
                "events.valid", 0, 7));
        dedup.send(new LoggedEvent(new CanonicalEvent("tombstone", HOUR, null), "events.valid", 0, 8));

        assertThat(dedup.forwardedIds()).isEmpty();
        assertThat(dedup.deadLetters()).extracting(DeadLetter::reason)
                .containsExactly(RejectReason.MISSING_FIELD, RejectReason.NULL_VALUE);
        assertThat(dedup.deadLetters().get(0).source().key()).isNull();
        assertThat(dedup.count(EventIdDeduplicator.INVALID)).isEqualTo(2);
        dedup.holdsNothing();
    }

    /** id-i at event time i seconds. */
    private static LoggedEvent numbered(int i) {
        return event("id-" + i, i * 1000L);
    }

    /**
     * A canonical savepoint of a deduplicator that has seen {@code numbered(0 .. count-1)}: the format
     * in which a job can move to another state backend.
     */
    private static OperatorSubtaskState snapshotRemembering(DedupSettings settings, int count, String backendName)
            throws Exception {
        Subject before = Subject.open(settings, backendName);
        for (int i = 0; i < count; i++) {
            before.send(numbered(i));
        }
        OperatorSubtaskState snapshot = before.harness().snapshotWithLocalState(1, 1,
                SavepointType.savepoint(SavepointFormatType.CANONICAL)).getJobManagerOwnedState();
        before.harness().close();
        return snapshot;
    }

    /**
     * A savepoint restores on either backend: on RocksDB the heap tables' ids move into keyed state,
     * on the heap the keyed state's ids move into the tables.
     */
    @ParameterizedTest
    @CsvSource({"hashmap, hashmap", "hashmap, rocksdb", "rocksdb, rocksdb", "rocksdb, hashmap"})
    void snapshotAndRestoreKeepEveryRememberedIdAndItsExpiry(String takenOn, String restoredOn) throws Exception {
        DedupSettings settings = settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ);
        Subject after = Subject.open(settings, snapshotRemembering(settings, 1000, takenOn), 1, 0,
                backend(restoredOn));
        assertThat(after.function().idsRemembered()).isEqualTo(1000);
        assertThat(after.function().fingerprintsHeld()).isEqualTo(restoredOn.equals("rocksdb") ? 1000 : 0);
        for (int i = 0; i < 1000; i++) {
            after.send(numbered(i));
        }
        after.send(event("new", 0));
        assertThat(after.forwardedIds()).containsExactly("new");
        assertThat(after.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(1000);

        after.harness().processWatermark(HOUR + 999_000L + HOUR / 16);
        after.holdsNothing();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoringAtHigherParallelismHandsEachIdToTheSubtaskThatOwnsItsKey(String backendName) throws Exception {
        DedupSettings settings = settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ);
        int ids = 500;
        OperatorSubtaskState snapshot = snapshotRemembering(settings, ids, backendName);

        long rememberedTotal = 0;
        long fingerprintsTotal = 0;
        long rememberedAfterSweepTotal = 0;
        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState share = AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snapshot, MAX_PARALLELISM, 1, 2, subtask);
            Subject after = Subject.open(settings, share, 2, subtask, backend(backendName));
            for (int i = 0; i < ids; i++) {
                if (KeyGroupRangeAssignment.assignKeyToParallelOperator(new EventIdKey().of("id-" + i),
                        MAX_PARALLELISM, 2) == subtask) {
                    after.send(numbered(i));
                }
            }
            assertThat(after.forwardedIds()).isEmpty();
            rememberedTotal += after.function().idsRemembered();
            fingerprintsTotal += after.function().fingerprintsHeld();
            // the tables, or the slot lists and their timers, went with their key groups: each subtask
            // sweeps its own ids
            after.harness().processWatermark(2 * HOUR);
            assertThat(after.harness().numEventTimeTimers()).isZero();
            assertThat(after.function().fingerprintsHeld()).isZero();
            rememberedAfterSweepTotal += after.function().idsRemembered();
        }
        assertThat(rememberedTotal).isEqualTo(ids);
        assertThat(rememberedAfterSweepTotal).isZero();
        assertThat(fingerprintsTotal).isEqualTo(backendName.equals("rocksdb") ? ids : 0);
    }

    /**
     * A snapshot of the layout before this one (a flag and a timer per id, written by the harness with
     * the EventIdDeduplicator of commit e0c4d03: retention 1 h, ids legacy-a, -b and -c at 10:00,
     * 10:30 and 11:00, watermark 10:10) restores: its ids stay remembered until their own timers fire,
     * and new ids are stored the new way.
     */
    @Test
    void aSavepointOfTheTimerPerIdLayoutRestoresAndDrains() throws Exception {
        OperatorSubtaskState legacy = OperatorSnapshotUtil.readStateHandle(
                Path.of("src/test/resources/dedup/timer-per-id-layout.snapshot").toString());
        Subject after = Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), legacy, 1, 0);
        assertThat(after.function().idsRemembered()).isEqualTo(3);
        after.send(event("legacy-a", 10 * HOUR + HOUR / 3));
        after.send(event("legacy-c", 9 * HOUR + HOUR / 2));
        after.send(event("new", 10 * HOUR + HOUR / 3));
        assertThat(after.forwardedIds()).containsExactly("new");

        after.harness().processWatermark(11 * HOUR);
        after.send(event("legacy-a", 11 * HOUR));
        after.send(event("legacy-b", 11 * HOUR));
        assertThat(after.forwardedIds()).containsExactly("new", "legacy-a");
        assertThat(after.count(EventIdDeduplicator.DUPLICATES)).isEqualTo(3);

        after.harness().processWatermark(13 * HOUR);
        after.holdsNothing();
    }

    /**
     * Snapshots of the slot layout whose lists were written by Flink's tuple serializer, taken by the
     * harness with the EventIdDeduplicator of commit 8c02a76 (retention 1 h, ids slot-a, -b and -c at
     * 10:00, 10:30 and 11:00, watermark 10:10): a heap checkpoint, and a canonical savepoint of each
     * backend, which restores on either. Every id stays remembered, a restored list takes a new id and
     * is checkpointed again, and each slot's sweep forgets its ids. On the heap the ids move into the
     * id tables and the lists go at once; their slots' timers fire later and find nothing.
     */
    @ParameterizedTest
    @CsvSource({"slot-layout-hashmap-checkpoint, hashmap", "slot-layout-hashmap-savepoint, hashmap",
            "slot-layout-hashmap-savepoint, rocksdb", "slot-layout-rocksdb-savepoint, rocksdb",
            "slot-layout-rocksdb-savepoint, hashmap"})
    void aSnapshotWhoseListsTheTupleSerializerWroteRestores(String snapshot, String backendName) throws Exception {
        DedupSettings settings = settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ);
        OperatorSubtaskState written = OperatorSnapshotUtil.readStateHandle(
                Path.of("src/test/resources/dedup/" + snapshot + ".snapshot").toString());
        Subject restored = Subject.open(settings, written, 1, 0, backend(backendName));
        assertThat(restored.function().idsRemembered()).isEqualTo(3);
        if (restored.onHeap()) {
            assertThat(restored.harness().numKeyedStateEntries()).isZero();
            assertThat(restored.function().fingerprintsHeld()).isZero();
        } else {
            assertThat(restored.function().fingerprintsHeld()).isEqualTo(3);
        }
        for (String id : List.of("slot-a", "slot-b", "slot-c")) {
            restored.send(event(id, 10 * HOUR + HOUR / 3));
        }
        // expires at 11:30, the end of slot-b's slot: appended to a restored list
        restored.send(event("new", 10 * HOUR + HOUR / 2));
        assertThat(restored.forwardedIds()).containsExactly("new");
        OperatorSubtaskState again = restored.harness().snapshot(2, 2);
        restored.harness().close();

        Subject after = Subject.open(settings, again, 1, 0, backend(backendName));
        assertThat(after.function().idsRemembered()).isEqualTo(4);
        after.harness().processWatermark(11 * HOUR + HOUR / 4);
        for (String id : List.of("slot-a", "slot-b", "new")) {
            after.send(event(id, 11 * HOUR + HOUR / 4));
        }
        assertThat(after.forwardedIds()).containsExactly("slot-a");
        after.harness().processWatermark(14 * HOUR);
        after.holdsNothing();
        after.harness().close();
    }

    /**
     * A restored job has no watermark until its sources emit one, while its state has already lost the ids
     * the old watermark expired: a repeat read in between must still count as too late, restored at the
     * same parallelism and at a lower one.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 1})
    void aRestoredDeduplicatorKeepsTheWatermarkItsStateWasExpiredAt(int parallelism) throws Exception {
        DedupSettings settings = settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ);
        Map<String, Long> sent = Map.of("forgotten", 0L, "remembered", 2 * HOUR);
        List<OperatorSubtaskState> snapshots = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            Subject before = Subject.open(settings, null, 2, subtask);
            for (Map.Entry<String, Long> id : sent.entrySet()) {
                if (owner(id.getKey(), 2) == subtask) {
                    before.send(event(id.getKey(), id.getValue()));
                }
            }
            before.harness().processWatermark(2 * HOUR);
            snapshots.add(before.harness().snapshot(1, 1));
            before.harness().close();
        }
        OperatorSubtaskState snapshot = AbstractStreamOperatorTestHarness.repackageState(
                snapshots.toArray(OperatorSubtaskState[]::new));

        List<String> forwarded = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (int subtask = 0; subtask < parallelism; subtask++) {
            Subject after = Subject.open(settings, AbstractStreamOperatorTestHarness
                    .repartitionOperatorState(snapshot, MAX_PARALLELISM, 2, parallelism, subtask), parallelism,
                    subtask);
            for (Map.Entry<String, Long> id : sent.entrySet()) {
                if (owner(id.getKey(), parallelism) == subtask) {
                    after.send(event(id.getKey(), id.getValue()));
                }
            }
            forwarded.addAll(after.forwardedIds());
            deadLetters.addAll(after.deadLetters());
        }
        assertThat(forwarded).isEmpty();
        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo(RejectReason.TOO_LATE);
            assertThat(letter.source().key()).isEqualTo("forgotten".getBytes(StandardCharsets.UTF_8));
        });
    }

    /**
     * RocksDB with heap timers writes timers into raw keyed state at each checkpoint, where dedup's
     * heap tables go: such checkpoints could not be restored, so the operator refuses to open, naming
     * the setting to change.
     */
    @Test
    void rocksDbWithHeapTimersIsRefusedWithTheSettingToChange() {
        EmbeddedRocksDBStateBackend heapTimers = new EmbeddedRocksDBStateBackend(true);
        heapTimers.setPriorityQueueStateType(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        assertThatThrownBy(() -> Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), null, 1, 0,
                heapTimers))
                .hasStackTraceContaining("state.backend.rocksdb.timer-service.factory to ROCKSDB");
    }

    /**
     * In BATCH mode Flink's keyed state holds one key at a time and is cleared whenever the key
     * changes, which would forget every id as soon as the next one arrived: dedup refuses to open.
     */
    @Test
    void batchExecutionModeIsRefusedWithTheSettingToChange() {
        assertThatThrownBy(() -> Subject.open(settings(Duration.ofHours(1), DedupOptions.TooLate.DLQ), null, 1, 0,
                new BatchExecutionStateBackend()))
                .hasStackTraceContaining("Set execution.runtime-mode to STREAMING");
    }

    private static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend(true) : new HashMapStateBackend();
    }

    private static int owner(String id, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(new EventIdKey().of(id), MAX_PARALLELISM,
                parallelism);
    }

    /**
     * State per remembered id is a 16-byte key hash, whatever the id's length: on the heap stored once
     * with its 8-byte expiry, in keyed state (RocksDB) with its expiry and again in its slot's list.
     * Snapshots of 128-character ids stay under 64 bytes per id on both backends (keyed by the id
     * itself, each 128-byte id would be stored twice).
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void rememberedIdsCostAFixedSmallNumberOfBytesWhateverTheIdLength(String backendName) throws Exception {
        Subject dedup = Subject.open(settings(Duration.ofDays(7), DedupOptions.TooLate.DLQ), null, 1, 0,
                backend(backendName));
        int ids = 20_000;
        for (int i = 0; i < ids; i++) {
            String id = String.format("%0128d", i);
            dedup.send(event(id, HOUR + i));
        }
        long bytesPerId = dedup.harness().snapshot(1, 1).getStateSize() / ids;
        assertThat(bytesPerId).isBetween(backendName.equals("hashmap") ? 24L : 16L,
                backendName.equals("hashmap") ? 25L : 64L);
        dedup.harness().close();
    }
}
