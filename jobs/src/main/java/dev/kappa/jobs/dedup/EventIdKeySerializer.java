package dev.kappa.jobs.dedup;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.runtime.TupleSerializerBase;
import org.apache.flink.api.java.typeutils.runtime.TupleSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The keys {@link EventIdKey} makes, as the elements of dedup's slot lists: the 16 bytes Flink's
 * tuple serializer writes (state written by it restores as is), but never copied. The deduplicator
 * never changes a key once made, and the heap backend copies a list on its first change after each
 * checkpoint: with Flink's tuple serializer that was a new tuple per id remembered, every
 * checkpoint, all of them surviving into the old generation; now it is the list's references only.
 */
public final class EventIdKeySerializer extends TypeSerializerSingleton<Tuple2<Long, Long>> {

    private static final long serialVersionUID = 1L;

    public static final EventIdKeySerializer INSTANCE = new EventIdKeySerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public Tuple2<Long, Long> createInstance() {
        return Tuple2.of(0L, 0L);
    }

    @Override
    public Tuple2<Long, Long> copy(Tuple2<Long, Long> from) {
        return from;
    }

    @Override
    public Tuple2<Long, Long> copy(Tuple2<Long, Long> from, Tuple2<Long, Long> reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return 2 * Long.BYTES;
    }

    @Override
    public void serialize(Tuple2<Long, Long> key, DataOutputView target) throws IOException {
        target.writeLong(key.f0);
        target.writeLong(key.f1);
    }

    @Override
    public Tuple2<Long, Long> deserialize(DataInputView source) throws IOException {
        return Tuple2.of(source.readLong(), source.readLong());
    }

    @Override
    public Tuple2<Long, Long> deserialize(Tuple2<Long, Long> reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.write(source, getLength());
    }

    @Override
    public TypeSerializerSnapshot<Tuple2<Long, Long>> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Compatible with itself and with Flink's serializer of {@code Tuple2<Long, Long>}, which wrote the same bytes. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Tuple2<Long, Long>> {

        public Snapshot() {
            super(() -> INSTANCE);
        }

        @Override
        public TypeSerializerSchemaCompatibility<Tuple2<Long, Long>> resolveSchemaCompatibility(
                TypeSerializerSnapshot<Tuple2<Long, Long>> oldSnapshot) {
            if (oldSnapshot instanceof TupleSerializerSnapshot<?> tuple && isPairOfLongs(tuple.restoreSerializer())) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }

        private static boolean isPairOfLongs(TypeSerializer<?> serializer) {
            if (!(serializer instanceof TupleSerializerBase<?> tuple) || tuple.getTupleClass() != Tuple2.class) {
                return false;
            }
            for (TypeSerializer<?> field : tuple.getFieldSerializers()) {
                if (!(field instanceof LongSerializer)) {
                    return false;
                }
            }
            return true;
        }
    }
}
