package dev.kappa.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/**
 * Flink's own serializer checks (round trips singly and in sequence, copies, duplicates, snapshots),
 * over ids and topics that are empty, missing, non-ASCII or change from one record to the next.
 */
class LoggedEventTypeSerializerTest extends SerializerTestBase<LoggedEvent> {

    LoggedEventTypeSerializerTest() {
        // the record's own equals compares the payload arrays by reference
        super(new DeeplyEqualsChecker().withCustomCheck((a, b) -> a instanceof LoggedEvent && b instanceof LoggedEvent,
                (a, b, checker) -> sameEvent((LoggedEvent) a, (LoggedEvent) b)));
    }

    private static boolean sameEvent(LoggedEvent a, LoggedEvent b) {
        return Objects.equals(a.topic(), b.topic()) && a.partition() == b.partition() && a.offset() == b.offset()
                && Objects.equals(a.event().eventId(), b.event().eventId())
                && a.event().eventTimeMillis() == b.event().eventTimeMillis()
                && Arrays.equals(a.event().json(), b.event().json());
    }

    @Override
    protected TypeSerializer<LoggedEvent> createSerializer() {
        return new LoggedEventTypeSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<LoggedEvent> getTypeClass() {
        return LoggedEvent.class;
    }

    @Override
    protected LoggedEvent[] getTestData() {
        return new LoggedEvent[] {
            logged("e-1", 1_700_000_000_000L, "{\"event_id\":\"e-1\"}", "events.valid", 0, 0),
            logged("e-2", -5, "{}", "events.valid", 3, Long.MAX_VALUE),
            logged("", Long.MIN_VALUE, null, "orders.valid", 1, 17),
            logged(null, Long.MAX_VALUE, "", "events.unique", 2, 42),
            logged("주문-é-\uD83D\uDE00", 0, "{\"note\":\"한국어\"}", "ereignisse.gültig", 0, 1),
            logged("e-1", 1, "x".repeat(100_000), "events.valid", Integer.MAX_VALUE, 9),
            logged("e-3", 2, "{}", null, 0, 3),
        };
    }

    @Test
    void flinkInfersThisSerializerForTheRecordType() {
        assertThat(TypeInformation.of(LoggedEvent.class).createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(LoggedEventTypeSerializer.class);
    }

    @Test
    void aCorruptLengthIsAnIoErrorAndAMissingEventIsNamed() throws IOException {
        // a whole id, event time and payload, then a topic of length -2
        DataOutputSerializer corrupt = new DataOutputSerializer(16);
        corrupt.writeInt(1);
        corrupt.write('a');
        corrupt.writeLong(0);
        corrupt.writeInt(-1);
        corrupt.writeInt(-2);
        assertThatThrownBy(() -> new LoggedEventTypeSerializer().deserialize(
                new DataInputDeserializer(corrupt.getCopyOfBuffer())))
                .isInstanceOf(IOException.class).hasMessageContaining("field of length -2");
        assertThatThrownBy(() -> new LoggedEventTypeSerializer().serialize(new LoggedEvent(null, "events.valid", 1, 7),
                new DataOutputSerializer(16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events.valid-1 at offset 7");
    }

    private static LoggedEvent logged(String id, long eventTime, String json, String topic, int partition,
            long offset) {
        return new LoggedEvent(new CanonicalEvent(id, eventTime,
                json == null ? null : json.getBytes(StandardCharsets.UTF_8)), topic, partition, offset);
    }
}
