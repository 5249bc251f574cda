package dev.kappa.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventCodecTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final ParsePolicy POLICY = new ParsePolicy(1024, 8, ParsePolicy.UnknownFields.PAYLOAD,
            Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1));

    private final EventCodec codec = new EventCodec(POLICY, Clock.fixed(NOW, ZoneOffset.UTC));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void normalizesTimeToUtcAndWritesFieldsInCanonicalOrder() {
        Event event = codec.parse(utf8("{\"payload\":{\"b\":1},\"source\":\"web\",\"event_time\":\"2026-05-31T14:00:00.5+02:00\","
                + "\"event_type\":\"click\",\"event_id\":\"e-1\"}"));

        assertThat(text(codec.write(event))).isEqualTo("{\"event_id\":\"e-1\",\"event_type\":\"click\","
                + "\"event_time\":\"2026-05-31T12:00:00.500Z\",\"source\":\"web\",\"payload\":{\"b\":1}}");
    }

    @Test
    void acceptsEpochMillisAndLeavesAbsentFieldsOut() {
        Event event = codec.parse(utf8("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000}"));

        assertThat(event.eventTime()).isEqualTo(Instant.ofEpochMilli(1780000000000L));
        assertThat(text(codec.write(event))).isEqualTo(
                "{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":\"" + Instant.ofEpochMilli(1780000000000L) + "\"}");
    }

    @Test
    void movesUnknownTopLevelFieldsIntoPayload() {
        Event event = codec.parse(utf8("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"country\":\"KR\",\"payload\":{\"a\":1}}"));

        assertThat(event.payload().toString()).isEqualTo("{\"a\":1,\"country\":\"KR\"}");
    }

    @Test
    void writtenFormParsesBackToTheSameEvent() {
        Event event = codec.parse(utf8("{\"event_id\":\"é-1\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00Z\","
                + "\"payload\":{\"nested\":{\"x\":[1,2,{\"y\":null}]},\"s\":\"\\u00e9\\n\"}}"));

        assertThat(codec.parse(codec.write(event))).isEqualTo(event);
    }

    @Test
    void contentBytesIgnoreKeyOrderAndId() {
        Event a = codec.parse(utf8("{\"event_id\":\"1\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"x\":1,\"y\":{\"b\":2,\"a\":1}}}"));
        Event b = codec.parse(utf8("{\"payload\":{\"y\":{\"a\":1,\"b\":2},\"x\":1},\"event_time\":1780000000000,"
                + "\"event_type\":\"t\",\"event_id\":\"2\"}"));
        Event c = codec.parse(utf8("{\"event_id\":\"1\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"x\":2,\"y\":{\"b\":2,\"a\":1}}}"));

        assertThat(codec.contentBytes(a)).isEqualTo(codec.contentBytes(b)).isNotEqualTo(codec.contentBytes(c));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "malformed_json  | {\"event_id\":\"e\",",
        "malformed_json  | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000} {}",
        "malformed_json  | hello",
        "not_an_object   | [1,2]",
        "not_an_object   | \"just a string\"",
        "not_an_object   | 42",
        "empty_value     | '   '",
        "duplicate_field | {\"event_id\":\"a\",\"event_id\":\"b\",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "missing_field   | {\"event_id\":\"e\",\"event_time\":1780000000000}",
        "missing_field   | {\"event_id\":\"e\",\"event_type\":\"t\"}",
        "missing_field   | {\"event_id\":\"e\",\"event_type\":\"\",\"event_time\":1780000000000}",
        "missing_field   | {\"event_id\":\"e\",\"event_type\":null,\"event_time\":1780000000000}",
        "wrong_type      | {\"event_id\":7,\"event_type\":\"t\",\"event_time\":1780000000000}",
        "wrong_type      | {\"event_id\":\"e\",\"event_type\":[\"t\"],\"event_time\":1780000000000}",
        "wrong_type      | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":true}",
        "wrong_type      | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"payload\":[1]}",
        "wrong_type      | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"source\":{}}",
        "empty_id        | {\"event_id\":\"\",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "empty_id        | {\"event_id\":\"   \",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "bad_timestamp   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":\"yesterday\"}",
        "bad_timestamp   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":\"2026-01-01T00:00:00\"}",
        "bad_timestamp   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1.78E12}",
        "bad_timestamp   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":99999999999999999999999}",
        "timestamp_out_of_range | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000}",
        "timestamp_out_of_range | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":\"2026-06-03T00:00:00Z\"}",
        "too_deep        | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1,\"payload\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}}",
        "unknown_field   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"x\":1,\"payload\":{\"x\":2}}",
    })
    void rejectsWithPreciseReason(String reason, String input) {
        assertThatThrownBy(() -> codec.parse(utf8(input)))
                .isInstanceOfSatisfying(RejectedEventException.class,
                        e -> assertThat(e.reason().code()).as(e.detail()).isEqualTo(reason.trim()));
    }

    @Test
    void rejectsNullEmptyOversizedAndInvalidUtf8() {
        assertReason(null, RejectReason.NULL_VALUE);
        assertReason(new byte[0], RejectReason.EMPTY_VALUE);
        assertReason(utf8("{\"event_id\":\"" + "x".repeat(2000) + "\"}"), RejectReason.TOO_LARGE);
        assertReason(utf8("{\"event_id\":\"" + "x".repeat(129) + "\",\"event_type\":\"t\",\"event_time\":1780000000000}"),
                RejectReason.ID_TOO_LONG);
        byte[] overlong = utf8("{\"event_id\":\"e?\",\"event_type\":\"t\",\"event_time\":1780000000000}");
        overlong[13] = (byte) 0xC0; // 0xC0 0x22 would be an overlong encoding of '"'
        assertReason(overlong, RejectReason.INVALID_UTF8);
        byte[] inFieldName = utf8("{\"e?\":1}");
        inFieldName[3] = (byte) 0xFF;
        assertReason(inFieldName, RejectReason.INVALID_UTF8);
    }

    @Test
    void acceptsIdOfExactlyMaxLength() {
        String id = "x".repeat(EventFields.MAX_ID_LENGTH);
        Event event = codec.parse(utf8("{\"event_id\":\"" + id + "\",\"event_type\":\"t\",\"event_time\":1780000000000}"));
        assertThat(event.eventId()).isEqualTo(id);
    }

    @Test
    void unknownFieldPoliciesDropOrReject() {
        byte[] input = utf8("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"extra\":{\"deep\":[1]}}");
        EventCodec dropping = new EventCodec(new ParsePolicy(1024, 8, ParsePolicy.UnknownFields.DROP,
                POLICY.minEventTime(), POLICY.maxFutureSkew()), Clock.fixed(NOW, ZoneOffset.UTC));
        EventCodec rejecting = new EventCodec(new ParsePolicy(1024, 8, ParsePolicy.UnknownFields.REJECT,
                POLICY.minEventTime(), POLICY.maxFutureSkew()), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(dropping.parse(input).payload()).isNull();
        assertThatThrownBy(() -> rejecting.parse(input)).isInstanceOfSatisfying(RejectedEventException.class,
                e -> assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FIELD));
    }

    @Test
    void missingIdIsLeftForThePolicy() {
        Event event = codec.parse(utf8("{\"event_type\":\"t\",\"event_time\":1780000000000}"));
        assertThat(event.eventId()).isNull();
    }

    private void assertReason(byte[] input, RejectReason expected) {
        assertThatThrownBy(() -> codec.parse(input)).isInstanceOfSatisfying(RejectedEventException.class,
                e -> assertThat(e.reason()).as(e.detail()).isEqualTo(expected));
    }
}
