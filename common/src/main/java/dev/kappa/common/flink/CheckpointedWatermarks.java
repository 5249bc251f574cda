package dev.kappa.common.flink;

import java.util.List;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placed right after a source: passes everything through and makes its watermark survive a restore.
 * Flink does not checkpoint watermarks, and a restored source emits none until every one of its log
 * partitions has a new record or has been quiet for the idle timeout; a partition read to its end
 * before the checkpoint holds event time at its minimum all that while, so no hour closes and no id
 * expires. This operator checkpoints the last watermark it forwarded and emits it again when it
 * opens, so the job goes on from where it was.
 *
 * <p>Which log partitions a subtask reads is its own checkpointed state, so at an unchanged
 * parallelism each subtask takes back its own watermark. After a rescale the partitions are dealt
 * anew and no subtask can know which watermark fits them, so none is resumed (Flink's own
 * behaviour: event time waits for new records or the idle timeout). The state is a plain list, not
 * a union list: Flink cannot checkpoint a union list once some subtasks of a bounded source have
 * finished, which would fail every checkpoint and savepoint at the end of a bounded run.
 */
public final class CheckpointedWatermarks<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointedWatermarks.class);

    /** (subtask index, parallelism, watermark): at an unchanged parallelism each subtask gets its own back. */
    private transient ListState<Tuple3<Integer, Integer, Long>> checkpointed;
    private transient long forwarded;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        checkpointed = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("watermark",
                Types.TUPLE(Types.INT, Types.INT, Types.LONG)));
        forwarded = restored(checkpointed.get(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks());
    }

    static long restored(Iterable<Tuple3<Integer, Integer, Long>> entries, int subtask, int parallelism) {
        long own = Long.MIN_VALUE;
        for (Tuple3<Integer, Integer, Long> entry : entries) {
            if (entry.f1 != parallelism) {
                return Long.MIN_VALUE;
            }
            if (entry.f0 == subtask) {
                own = entry.f2;
            }
        }
        return own;
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (forwarded != Long.MIN_VALUE) {
            LOG.info("Resuming event time at the checkpointed watermark {} (subtask {})", forwarded,
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
            output.emitWatermark(new Watermark(forwarded));
        }
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() > forwarded) {
            forwarded = mark.getTimestamp();
            super.processWatermark(mark);
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        checkpointed.update(List.of(Tuple3.of(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks(), forwarded)));
    }
}
