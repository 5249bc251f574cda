package dev.kappa.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    @Test
    void keepsCharactersOutsideTheBmpAsUtf8InTheCanonicalForm() {
        String emoji = "\uD83D\uDE00".repeat(100);
        byte[] input = utf8("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"text\":\"" + emoji + "\"}}");

        byte[] canonical = codec.write(codec.parse(input));

        assertThat(text(canonical)).contains(emoji);
        assertThat(canonical.length).isLessThan(input.length + 64);
    }

    @Test
    void keepsNumbersExactlyAsSent() {
        Event event = codec.parse(utf8("{\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"huge\":1e400,\"tiny\":-1e-400,\"precise\":0.1000000000000000055511151231257827,"
                + "\"money\":1.50,\"big\":123456789012345678901234567890}}"));

        assertThat(text(codec.write(event))).endsWith("\"payload\":{\"huge\":1E+400,\"tiny\":-1E-400,"
                + "\"precise\":0.1000000000000000055511151231257827,\"money\":1.50,"
                + "\"big\":123456789012345678901234567890}}");
    }

    /** Derived ids of events ingested before must not change: same bytes for emoji and floats as then. */
    @Test
    void contentBytesKeepTheirEncodingSoDerivedIdsDoNotChange() {
        Event event = codec.parse(utf8("{\"event_type\":\"t\",\"event_time\":1780000000000,"
                + "\"payload\":{\"text\":\"\uD83D\uDE00\",\"money\":1.50,\"huge\":1e400}}"));

        assertThat(text(codec.contentBytes(event))).isEqualTo("{\"event_type\":\"t\",\"event_time\":"
                + "\"2026-05-28T20:26:40Z\",\"payload\":{\"huge\":\"Infinity\",\"money\":1.5,"
                + "\"text\":\"\\uD83D\\uDE00\"}}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "lone high in id      | {\"event_id\":\"x\\ud800\",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "lone low in id       | {\"event_id\":\"x\\udc00\",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "reversed pair in id  | {\"event_id\":\"\\udc00\\ud800\",\"event_type\":\"t\",\"event_time\":1780000000000}",
        "in event_type        | {\"event_id\":\"e\",\"event_type\":\"\\uD800\",\"event_time\":1780000000000}",
        "in source            | {\"event_id\":\"e\",\"event_type\":\"t\",\"source\":\"\\uDBFF\",\"event_time\":1780000000000}",
        "in a payload value   | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"payload\":{\"a\":[\"ok\",\"\\ud800\"]}}",
        "in a payload key     | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"payload\":{\"\\ud800\":1}}",
        "in an unknown field  | {\"event_id\":\"e\",\"event_type\":\"t\",\"event_time\":1780000000000,\"x\":\"\\udfff\"}",
    })
    void rejectsUnpairedSurrogatesAnywhere(String where, String input) {
        assertReason(utf8(input), RejectReason.INVALID_UNICODE);
    }

    @Test
    void acceptsEscapedSurrogatePairsAndEscapedBackslashes() {
        Event event = codec.parse(utf8("{\"event_id\":\"\\ud83d\\ude00\\\\ud800\",\"event_type\":\"t\","
                + "\"event_time\":1780000000000}"));
        assertThat(event.eventId()).isEqualTo("\uD83D\uDE00\\ud800");
    }

    @Test
    void countsIdLengthInCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDE00";
        assertThat(codec.parse(utf8("{\"event_id\":\"" + emoji.repeat(EventFields.MAX_ID_LENGTH)
                + "\",\"event_type\":\"t\",\"event_time\":1780000000000}")).eventId()).hasSize(2 * EventFields.MAX_ID_LENGTH);
        assertReason(utf8("{\"event_id\":\"" + emoji.repeat(EventFields.MAX_ID_LENGTH + 1)
                + "\",\"event_type\":\"t\",\"event_time\":1780000000000}"), RejectReason.ID_TOO_LONG);
    }

    /**
     * Generated ids from an alphabet of the awkward (surrogates paired and not, NUL, newlines, BOM,
     * quotes, backslashes, 1-4 byte characters) at lengths around the limit: every id accepted
     * survives the trip to a Kafka key unchanged, so no two distinct ids share a key, and every id
     * refused is refused for the right reason.
     */
    @Test
    void distinctIdsNeverShareAKey() throws Exception {
        String[] alphabet = {"a", "Z", "0", "\u0000", "\n", "\r", "\t", "\uFEFF", "\"", "\\", "é", "한", "\uD83D\uDE00",
            "\uD800", "\uDBFF", "\uDC00", "\uDFFF", " ", "?", "\u007F", "\u2028"};
        java.util.Random random = new java.util.Random(20261128L);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Map<String, String> idByKey = new java.util.HashMap<>();
        int accepted = 0;
        int unpaired = 0;
        for (int n = 0; n < 20_000; n++) {
            int length = random.nextInt(4) == 0 ? 126 + random.nextInt(5) : 1 + random.nextInt(6);
            StringBuilder id = new StringBuilder();
            while (id.codePointCount(0, id.length()) < length) {
                id.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String candidate = id.toString();
            // Jackson's byte output escapes an unpaired surrogate (a String would hold it raw, and
            // String.getBytes would turn it into '?')
            byte[] input = concat(utf8("{\"event_id\":"), json.writeValueAsBytes(candidate),
                    utf8(",\"event_type\":\"t\",\"event_time\":1780000000000}"));
            RejectReason expected = expectedReason(candidate);
            if (expected != null) {
                assertReason(input, expected);
                unpaired += expected == RejectReason.INVALID_UNICODE ? 1 : 0;
                continue;
            }
            String parsed = codec.parse(input).eventId();
            assertThat(parsed).isEqualTo(candidate);
            String key = new String(parsed.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            assertThat(key).as("the id as its Kafka key reads it back").isEqualTo(candidate);
            String earlier = idByKey.putIfAbsent(key, candidate);
            assertThat(earlier == null || earlier.equals(candidate)).as("%s and %s share a key", earlier, candidate).isTrue();
            accepted++;
        }
        assertThat(accepted).as("ids accepted").isGreaterThan(1_000);
        assertThat(unpaired).as("ids refused for unpaired surrogates").isGreaterThan(1_000);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static RejectReason expectedReason(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return RejectReason.INVALID_UNICODE;
            }
        }
        if (id.isBlank()) {
            return RejectReason.EMPTY_ID;
        }
        return id.codePointCount(0, id.length()) > EventFields.MAX_ID_LENGTH ? RejectReason.ID_TOO_LONG : null;
    }

    private void assertReason(byte[] input, RejectReason expected) {
        assertThatThrownBy(() -> codec.parse(input)).isInstanceOfSatisfying(RejectedEventException.class,
                e -> assertThat(e.reason()).as(e.detail()).isEqualTo(expected));
    }

    /**
     * Random envelopes, valid and broken in every way the codec knows: the one-pass path gives the
     * tree path's bytes exactly, rejects with the same reason and detail, and leaves to the tree
     * only what needs it.
     */
    @Test
    void canonicalizeWritesWhatTheTreeWritesAndRejectsWhatItRejects() {
        // records up to 4 KB, so that a number longer than Jackson's 1,000 digits is refused by the parser
        EventCodec moving = new EventCodec(new ParsePolicy(4096, 8, ParsePolicy.UnknownFields.PAYLOAD,
                Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1)), Clock.fixed(NOW, ZoneOffset.UTC));
        EventCodec dropping = new EventCodec(new ParsePolicy(4096, 8, ParsePolicy.UnknownFields.DROP,
                Instant.parse("2000-01-01T00:00:00Z"), Duration.ofDays(1)), Clock.fixed(NOW, ZoneOffset.UTC));
        Random random = new Random(5);
        int copied = 0;
        int copiedWithUnknownFields = 0;
        int copiedWithLineIds = 0;
        int rejected = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] value = utf8(RandomEnvelopes.envelope(random));
            EventCodec under = i % 2 == 0 ? moving : dropping;
            String lineId = i % 3 == 0 ? "line-" + i : null;
            Event parsed;
            try {
                parsed = under.parse(value);
            } catch (RejectedEventException treeRejection) {
                try {
                    assertThat(under.canonicalize(value, () -> lineId)).as("accepted what the tree rejects: " + text(value))
                            .isNull();
                } catch (RejectedEventException copyRejection) {
                    // Jackson reads the token after a name with the name, so a value it refuses after a
                    // repeated name is seen before this codec checks the name; Jackson's strict mode checks first
                    if (!(treeRejection.reason() == RejectReason.DUPLICATE_FIELD
                            && (copyRejection.reason() == RejectReason.MALFORMED_JSON
                            || copyRejection.reason() == RejectReason.TOO_LARGE))) {
                        assertThat(copyRejection.reason()).as(text(value)).isEqualTo(treeRejection.reason());
                        assertThat(copyRejection.detail()).as(text(value)).isEqualTo(treeRejection.detail());
                    }
                    rejected++;
                }
                continue;
            }
            CanonicalEvent canonical = under.canonicalize(value, () -> lineId);
            if (canonical == null) {
                String raw = text(value);
                assertThat(parsed.eventId() == null && lineId == null || raw.contains("\\u"))
                        .as("left to the tree without a reason: " + raw).isTrue();
                continue;
            }
            if (parsed.eventId() == null) {
                parsed = parsed.withEventId(lineId);
                copiedWithLineIds++;
            }
            assertThat(text(canonical.json())).as(text(value)).isEqualTo(text(under.write(parsed)));
            assertThat(canonical.eventId()).isEqualTo(parsed.eventId());
            assertThat(canonical.eventTimeMillis()).isEqualTo(parsed.eventTime().toEpochMilli());
            copied++;
            if (text(value).contains("\"x_")) {
                copiedWithUnknownFields++;
            }
        }
        assertThat(copied).as("copied in one pass").isGreaterThan(3_000);
        assertThat(copiedWithUnknownFields).as("copied in one pass, unknown fields moved or dropped").isGreaterThan(500);
        assertThat(copiedWithLineIds).as("copied in one pass with the line's id").isGreaterThan(100);
        assertThat(rejected).as("rejected").isGreaterThan(5_000);
    }

    /** JSON envelopes for {@link #canonicalizeWritesWhatTheTreeWritesAndRejectsWhatItRejects}. */
    private static final class RandomEnvelopes {

        private static final String[] NUMBERS = {"0", "-0", "1.50", "0.0", "-0.0", "1e400", "1E-400", "0E-5", "1.0E+2",
            "100e-2", "0.1e1", "12345678901234567890123", "-9223372036854775808", "2147483648", "3.141592653589793238462643",
            "1e", "01", "1.", ".5", "+1", "NaN", "1" + "0".repeat(1000)};
        private static final String CHARACTERS = "ab é漢😀\"\\/\n\t\u0001\u007f\u2028";

        static String envelope(Random random) {
            List<String> fields = new ArrayList<>();
            if (random.nextInt(10) > 0) {
                fields.add("\"event_id\":" + (random.nextInt(20) == 0 ? "7" : string(random)));
            }
            if (random.nextInt(20) > 0) {
                fields.add("\"event_type\":" + (random.nextInt(30) == 0 ? "\"\"" : "\"click\""));
            }
            if (random.nextInt(20) > 0) {
                fields.add("\"event_time\":" + switch (random.nextInt(6)) {
                    case 0 -> "1780000000000";
                    case 1 -> "\"2026-06-01T11:59:59.123+09:00\"";
                    case 2 -> "\"1999-06-01T11:59:59Z\"";
                    case 3 -> "1.5";
                    default -> "\"2026-06-01T10:00:00Z\"";
                });
            }
            if (random.nextBoolean()) {
                fields.add("\"source\":" + (random.nextInt(10) == 0 ? "null" : string(random)));
            }
            if (random.nextInt(10) > 0) {
                fields.add("\"payload\":" + switch (random.nextInt(20)) {
                    case 0 -> "null";
                    case 1 -> "[1]";
                    case 2 -> "\"text\"";
                    case 3 -> "{\"x_" + random.nextInt(3) + "\":1}";
                    default -> object(random, 0);
                });
            }
            for (int unknown = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0; unknown > 0; unknown--) {
                fields.add("\"x_" + random.nextInt(3) + "\":" + value(random, 1));
            }
            if (random.nextInt(30) == 0) {
                fields.add(fields.get(0));
            }
            java.util.Collections.shuffle(fields, random);
            String json = "{" + String.join(",", fields) + "}";
            return switch (random.nextInt(30)) {
                case 0 -> json.substring(0, random.nextInt(json.length()));
                case 1 -> json + " {}";
                default -> json;
            };
        }

        private static String object(Random random, int depth) {
            List<String> fields = new ArrayList<>();
            int size = random.nextInt(5);
            for (int i = 0; i < size; i++) {
                String name = random.nextInt(15) == 0 && !fields.isEmpty() ? fields.get(0).substring(0, fields.get(0)
                        .indexOf("\":") + 1) : string(random);
                fields.add(name + ":" + value(random, depth + 1));
            }
            return "{" + String.join(",", fields) + "}";
        }

        private static String value(Random random, int depth) {
            return switch (random.nextInt(depth > 9 ? 5 : 8)) {
                case 0, 1 -> string(random);
                case 2 -> NUMBERS[random.nextInt(NUMBERS.length)];
                case 3 -> Long.toString(random.nextLong() >> random.nextInt(64));
                case 4 -> random.nextInt(3) == 0 ? "null" : Boolean.toString(random.nextBoolean());
                case 5 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
                default -> object(random, depth);
            };
        }

        /** A JSON string literal, its characters raw or escaped. */
        private static String string(Random random) {
            StringBuilder literal = new StringBuilder("\"");
            int length = random.nextInt(8);
            for (int i = 0; i < length; i++) {
                int codePoint = CHARACTERS.codePointAt(CHARACTERS.offsetByCodePoints(0,
                        random.nextInt(CHARACTERS.codePointCount(0, CHARACTERS.length()))));
                switch (codePoint) {
                    case '"' -> literal.append("\\\"");
                    case '\\' -> literal.append("\\\\");
                    case '\n' -> literal.append(random.nextBoolean() ? "\\n" : "\n");
                    case '\t', 1 -> literal.append(String.format("\\u%04x", codePoint));
                    default -> {
                        if (random.nextInt(20) == 0) {
                            for (char unit : Character.toChars(codePoint)) {
                                literal.append(String.format("\\u%04X", (int) unit));
                            }
                        } else {
                            literal.appendCodePoint(codePoint);
                        }
                    }
                }
            }
            return literal.append('"').toString();
        }
    }
}
