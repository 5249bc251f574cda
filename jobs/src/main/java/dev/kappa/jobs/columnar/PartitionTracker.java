package dev.kappa.jobs.columnar;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.metrics.CheckpointAge;
import dev.kappa.common.metrics.Tally;
import dev.kappa.jobs.table.HourPartitions;
import dev.kappa.jobs.table.TableRow;

/**
 * Decides, on the writing side, which partitions are over: counts the rows each open partition
 * gets, marks rows for an already closed partition as late, and when the watermark passes a
 * partition's end plus the commit delay, reports {@link PartitionClosed} with the count before
 * passing the watermark on. The partition committer then knows exactly how many on-time rows to
 * wait for. Counts are operator state, consistent with the checkpoint the rows belong to.
 */
public final class PartitionTracker extends AbstractStreamOperator<TableRow>
        implements OneInputStreamOperator<LoggedEvent, TableRow> {

    public static final String ROWS = "columnar_rows";
    public static final String LATE_ROWS = "columnar_late_rows";

    static final OutputTag<PartitionClosed> CLOSED = new OutputTag<>("closed-partitions") { };

    private final long commitDelayMillis;
    private final HourPartitions partitions = new HourPartitions();
    private final Map<String, Long> openRows = new HashMap<>();
    private transient ListState<Tuple2<String, Long>> openRowsState;
    private transient Tally rows;
    private transient Tally lateRows;
    private transient CheckpointAge checkpointAge;
    private long watermark = Long.MIN_VALUE;

    PartitionTracker(long commitDelayMillis) {
        this.commitDelayMillis = commitDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        rows = Tally.register(getRuntimeContext(), ROWS);
        lateRows = Tally.register(getRuntimeContext(), LATE_ROWS);
        checkpointAge = CheckpointAge.register(getRuntimeContext());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        checkpointAge.completed();
    }

    @Override
    public void processElement(StreamRecord<LoggedEvent> element) {
        LoggedEvent logged = element.getValue();
        long eventTime = logged.event().eventTimeMillis();
        boolean late = isClosed(HourPartitions.endOf(eventTime));
        if (late) {
            lateRows.increment();
        } else {
            openRows.merge(partitions.partitionOf(eventTime), 1L, Long::sum);
        }
        rows.increment();
        output.collect(element.replace(new TableRow(logged, late)));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        Iterator<Map.Entry<String, Long>> it = openRows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> open = it.next();
            if (isClosed(HourPartitions.end(open.getKey()))) {
                output.collect(CLOSED, new StreamRecord<>(new PartitionClosed(open.getKey(), open.getValue())));
                it.remove();
            }
        }
        super.processWatermark(mark);
    }

    private boolean isClosed(long partitionEnd) {
        return watermark != Long.MIN_VALUE && partitionEnd + commitDelayMillis <= watermark;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple2<String, Long>> entries = new ArrayList<>(openRows.size());
        openRows.forEach((partition, count) -> entries.add(Tuple2.of(partition, count)));
        openRowsState.update(entries);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        openRowsState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("open-partition-rows",
                Types.TUPLE(Types.STRING, Types.LONG)));
        for (Tuple2<String, Long> entry : openRowsState.get()) {
            openRows.merge(entry.f0, entry.f1, Long::sum);
        }
    }
}
