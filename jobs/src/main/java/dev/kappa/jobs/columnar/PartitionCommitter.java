package dev.kappa.jobs.columnar;

import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import dev.kappa.common.metrics.Tally;
import dev.kappa.jobs.table.FileProvenance;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.SuccessMarkers;
import dev.kappa.jobs.table.TableFileReader;

/**
 * Writes a partition's {@code _SUCCESS} marker once it is complete: the watermark has passed its
 * end plus the commit delay (so every writing subtask has reported its {@link PartitionClosed}
 * count), and the visible files hold at least that many on-time rows, as their footers say. Counting
 * rows rather than trusting checkpoint order keeps this right however long compaction holds files
 * back. Files seen again after a recovery are recognized by name and not counted twice. Every new
 * file and every completed partition is passed on to the {@link TableCommitter}.
 *
 * <p>Whether event time has passed a partition's close is kept in state: a restored job has no
 * watermark until new ones arrive, and the files its Flink committer re-emits on restore may be the
 * last a closed partition waited for, while that partition's timer already fired before the failure.
 */
final class PartitionCommitter extends KeyedCoProcessFunction<String, CommittedFile, PartitionClosed, TableChange> {

    private final String versionPath;
    private final long commitDelayMillis;
    private transient ValueState<Long> expectedRows;
    private transient ValueState<Long> visibleRows;
    private transient MapState<String, Boolean> countedFiles;
    private transient ValueState<Boolean> committed;
    private transient ValueState<Boolean> eventTimePassedClose;
    private transient Tally filesCommitted;
    private transient Tally partitionsCommitted;
    private transient Tally fieldMismatches;

    PartitionCommitter(String versionPath, long commitDelayMillis) {
        this.versionPath = versionPath;
        this.commitDelayMillis = commitDelayMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        expectedRows = getRuntimeContext().getState(new ValueStateDescriptor<>("expected-rows", Types.LONG));
        visibleRows = getRuntimeContext().getState(new ValueStateDescriptor<>("visible-rows", Types.LONG));
        countedFiles = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("counted-files", Types.STRING, Types.BOOLEAN));
        committed = getRuntimeContext().getState(new ValueStateDescriptor<>("committed", Types.BOOLEAN));
        eventTimePassedClose = getRuntimeContext().getState(
                new ValueStateDescriptor<>("event-time-passed-close", Types.BOOLEAN));
        filesCommitted = Tally.register(getRuntimeContext(), "columnar_files_committed");
        partitionsCommitted = Tally.register(getRuntimeContext(), "columnar_partitions_committed");
        fieldMismatches = Tally.register(getRuntimeContext(), "columnar_field_mismatches");
    }

    @Override
    public void processElement1(CommittedFile file, Context ctx, Collector<TableChange> out) throws Exception {
        String name = new Path(file.path()).getName();
        if (countedFiles.contains(name)) {
            return;
        }
        out.collect(TableChange.file(file.partition(), file.path()));
        Map<String, String> metadata = TableFileReader.metadata(new Path(file.path()));
        filesCommitted.increment();
        fieldMismatches.add(Long.parseLong(metadata.getOrDefault(FileProvenance.FIELD_MISMATCHES, "0")));
        if (Boolean.TRUE.equals(committed.value())) {
            return; // late rows for a partition already marked complete: visible, counted, nothing to wait for
        }
        countedFiles.put(name, true);
        visibleRows.update(orZero(visibleRows.value()) + Long.parseLong(metadata.get(FileProvenance.ON_TIME_ROWS)));
        // a partition that only gets late rows has no other timer
        ctx.timerService().registerEventTimeTimer(closesAt(ctx.getCurrentKey()));
        commitIfComplete(ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
    }

    @Override
    public void processElement2(PartitionClosed closed, Context ctx, Collector<TableChange> out) throws Exception {
        if (Boolean.TRUE.equals(committed.value())) {
            return;
        }
        expectedRows.update(orZero(expectedRows.value()) + closed.onTimeRows());
        ctx.timerService().registerEventTimeTimer(closesAt(closed.partition()));
        // A timer at or behind the watermark fires only when the watermark next moves, which a quiet
        // stream may never do; if the partition is already complete, say so now.
        commitIfComplete(ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TableChange> out) throws Exception {
        commitIfComplete(ctx.getCurrentKey(), timestamp, out);
    }

    private void commitIfComplete(String partition, long watermark, Collector<TableChange> out) throws Exception {
        if (Boolean.TRUE.equals(committed.value())) {
            return;
        }
        if (watermark >= closesAt(partition)) {
            eventTimePassedClose.update(true);
        } else if (!Boolean.TRUE.equals(eventTimePassedClose.value())) {
            return;
        }
        long visible = orZero(visibleRows.value());
        long expected = orZero(expectedRows.value());
        // A partition that only ever got late rows has no expected count: its first visible file completes it.
        if (visible < expected || countedFiles.isEmpty()) {
            return;
        }
        SuccessMarkers.write(versionPath, partition, visible);
        out.collect(TableChange.complete(partition));
        committed.update(true);
        eventTimePassedClose.clear();
        expectedRows.clear();
        visibleRows.clear();
        countedFiles.clear();
        partitionsCommitted.increment();
    }

    private long closesAt(String partition) {
        return HourPartitions.end(partition) + commitDelayMillis;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
