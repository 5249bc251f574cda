package dev.kappa.common.event;

import static dev.kappa.common.event.EventFields.EVENT_ID;
import static dev.kappa.common.event.EventFields.EVENT_TIME;
import static dev.kappa.common.event.EventFields.EVENT_TYPE;
import static dev.kappa.common.event.EventFields.MAX_ID_LENGTH;
import static dev.kappa.common.event.EventFields.PAYLOAD;
import static dev.kappa.common.event.EventFields.SOURCE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parses raw envelope bytes into an {@link Event} with a precise {@link RejectReason} for anything
 * wrong, and writes the canonical form. Streams the envelope with Jackson's token parser; the payload
 * is copied token by token, or parsed into a tree where ingest must change it. Not thread-safe: one
 * instance per operator subtask.
 */
public final class EventCodec {

    private final ParsePolicy policy;
    private final Clock clock;
    private final ObjectMapper mapper;
    /** Writes characters outside the BMP (emoji) as UTF-8, not as escaped surrogate pairs three times their size. */
    private final ObjectMapper canonicalMapper;
    /** Reads for {@link #canonicalize}, which finds duplicate names itself with {@link #fieldNames}. */
    private final JsonFactory copyingFactory;
    private final FieldNames fieldNames = new FieldNames();
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);
    private final ByteArrayOutputStream payloadCopy = new ByteArrayOutputStream(512);
    /** The payload's own top-level names, for the check that no field moved into it collides with one. */
    private final List<String> payloadNames = new ArrayList<>();
    /** Top-level fields outside the envelope, as one object, on their way into the payload. */
    private final ByteArrayOutputStream movedCopy = new ByteArrayOutputStream(128);
    private final List<String> movedNames = new ArrayList<>();
    /** Writes {@link #movedCopy}; kept across records, since creating a generator costs more than its use. */
    private JsonGenerator moved;

    public EventCodec(ParsePolicy policy) {
        this(policy, Clock.systemUTC());
    }

    public EventCodec(ParsePolicy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        JsonFactory factory = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(policy.maxDepth()).build())
                .build();
        this.copyingFactory = factory.rebuild().disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        // Numbers keep their exact text: as doubles, 1e400 would become the string "Infinity" and
        // 0.1000000000000000055 would lose digits
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        this.canonicalMapper = new ObjectMapper(factory.rebuild()
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build());
    }

    /** Parses and validates; throws {@link RejectedEventException} with the reason on bad input. */
    public Event parse(byte[] value) {
        requireReadable(value);
        try (JsonParser parser = mapper.createParser(value)) {
            return parseEnvelope(parser, mayEscapeSurrogates(value), null);
        } catch (IOException e) {
            throw rejection(e);
        }
    }

    /**
     * The canonical record, the same bytes as {@code write(parse(value))}, in one pass that copies
     * the payload token by token: building and writing its tree cost a fifth of ingest's time.
     * Unknown top-level fields are moved into the payload or dropped as the policy says, in the same
     * pass. An event without id gets the one {@code idIfMissing} supplies (asked only then). Null when
     * the event needs its tree: it brings no id and none is supplied (one may be derived from its
     * content), or it may escape a lone surrogate; call {@link #parse} then. Rejects bad input as {@link #parse}
     * does, with one difference: Jackson
     * reads the value after a name together with the name, so a value it refuses (malformed, a
     * number too long) right after a repeated name is what this rejects, where {@link #parse} names
     * the repeat.
     */
    public CanonicalEvent canonicalize(byte[] value, Supplier<String> idIfMissing) {
        requireReadable(value);
        if (mayEscapeSurrogates(value)) {
            return null;
        }
        payloadCopy.reset();
        payloadNames.clear();
        movedCopy.reset();
        movedNames.clear();
        fieldNames.reset();
        Event envelope;
        boolean parsed = false;
        try (JsonParser parser = copyingFactory.createParser(value);
                JsonGenerator copy = canonicalMapper.getFactory().createGenerator(payloadCopy)) {
            envelope = parseEnvelope(parser, false, copy);
            if (!movedNames.isEmpty()) {
                moved.writeEndObject();
                moved.flush();
            }
            parsed = true;
        } catch (IOException e) {
            throw rejection(e);
        } finally {
            if (!parsed) {
                discardMoved();
            }
        }
        if (envelope.eventId() == null) {
            String supplied = idIfMissing.get();
            if (supplied == null) {
                return null;
            }
            envelope = envelope.withEventId(supplied);
        }
        if (!movedNames.isEmpty()) {
            mergeMovedIntoPayloadCopy();
        }
        return new CanonicalEvent(envelope.eventId(), envelope.eventTime().toEpochMilli(),
                serialize(envelope, true, payloadCopy));
    }

    private void requireReadable(byte[] value) {
        if (value == null) {
            throw new RejectedEventException(RejectReason.NULL_VALUE, "record value is null");
        }
        if (value.length > policy.maxRecordBytes()) {
            throw new RejectedEventException(RejectReason.TOO_LARGE,
                    "record is " + value.length + " bytes, the limit is " + policy.maxRecordBytes());
        }
        int invalid = Utf8.firstInvalid(value);
        if (invalid >= 0) {
            throw new RejectedEventException(RejectReason.INVALID_UTF8, "invalid UTF-8 at byte " + invalid);
        }
    }

    private static RejectedEventException rejection(IOException e) {
        if (e instanceof StreamConstraintsException constraints) {
            RejectReason reason = constraints.getMessage().contains("nesting depth") ? RejectReason.TOO_DEEP
                    : RejectReason.TOO_LARGE;
            return new RejectedEventException(reason, constraints.getOriginalMessage());
        }
        if (e instanceof JsonParseException parse) {
            RejectReason reason = parse.getOriginalMessage().startsWith("Duplicate") ? RejectReason.DUPLICATE_FIELD
                    : RejectReason.MALFORMED_JSON;
            return new RejectedEventException(reason, parse.getOriginalMessage());
        }
        return new RejectedEventException(RejectReason.MALFORMED_JSON, String.valueOf(e.getMessage()));
    }

    /**
     * With {@code payloadCopy}, the parser does not refuse duplicate names, {@link #fieldNames} does;
     * the payload is copied there instead of into the event, and unknown fields to move into it are
     * copied to {@link #movedCopy}.
     */
    private Event parseEnvelope(JsonParser parser, boolean mayHoldUnpairedSurrogates, JsonGenerator payloadCopy)
            throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new RejectedEventException(RejectReason.EMPTY_VALUE, "record holds no JSON value");
        }
        if (first != JsonToken.START_OBJECT) {
            throw new RejectedEventException(RejectReason.NOT_AN_OBJECT,
                    "top-level JSON value is " + describe(first) + ", expected an object");
        }
        String id = null;
        String type = null;
        Instant time = null;
        String source = null;
        ObjectNode payload = null;
        Map<String, JsonNode> unknown = null;
        if (payloadCopy != null) {
            fieldNames.enterObject();
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (payloadCopy != null) {
                fieldNames.add(field);
            }
            JsonToken token = parser.nextToken();
            switch (field) {
                case EVENT_ID -> id = stringOrNull(parser, token, EVENT_ID);
                case EVENT_TYPE -> type = stringOrNull(parser, token, EVENT_TYPE);
                case EVENT_TIME -> time = eventTime(parser, token);
                case SOURCE -> source = stringOrNull(parser, token, SOURCE);
                case PAYLOAD -> {
                    if (payloadCopy == null) {
                        payload = payloadOrNull(parser, token);
                    } else if (isPayloadObject(token)) {
                        copyStructure(parser, payloadCopy, payloadNames);
                    }
                }
                default -> {
                    switch (policy.unknownFields()) {
                        case REJECT -> throw new RejectedEventException(RejectReason.UNKNOWN_FIELD,
                                "unknown top-level field '" + shorten(field) + "'");
                        case DROP -> {
                            if (payloadCopy == null) {
                                parser.skipChildren();
                            } else {
                                copyStructure(parser, null, null);
                            }
                        }
                        case PAYLOAD -> {
                            if (payloadCopy == null) {
                                if (unknown == null) {
                                    unknown = new LinkedHashMap<>();
                                }
                                unknown.put(field, mapper.readTree(parser));
                            } else {
                                copyMoved(field, parser);
                            }
                        }
                    }
                }
            }
        }
        if (parser.nextToken() != null) {
            throw new RejectedEventException(RejectReason.MALFORMED_JSON, "trailing content after the event object");
        }
        if (unknown != null) {
            payload = mergeIntoPayload(payload, unknown);
        }
        if (payloadCopy != null && !movedNames.isEmpty()) {
            // a set for long payloads: a record of many names in both must not take quadratic time
            Collection<String> own = payloadNames.size() > 16 ? new HashSet<>(payloadNames) : payloadNames;
            for (String name : movedNames) {
                if (own.contains(name)) {
                    throw collision(name);
                }
            }
        }
        if (mayHoldUnpairedSurrogates) {
            requireValidUnicode(id, EVENT_ID);
            requireValidUnicode(type, EVENT_TYPE);
            requireValidUnicode(source, SOURCE);
            if (payload != null) {
                requireValidUnicode(payload, PAYLOAD);
            }
        }
        requirePresent(type, EVENT_TYPE);
        if (type.isEmpty()) {
            throw new RejectedEventException(RejectReason.MISSING_FIELD, "event_type is empty");
        }
        requirePresent(time, EVENT_TIME);
        checkRange(time);
        if (id != null) {
            checkId(id);
        }
        return new Event(id, type, time, source, payload);
    }

    /**
     * Valid UTF-8 (checked first) holds no surrogates, so an unpaired one can only come from a
     * backslash-u escape of D800 to DFFF; most records have none and skip the full check.
     */
    private static boolean mayEscapeSurrogates(byte[] value) {
        for (int i = 0; i + 2 < value.length; i++) {
            if (value[i] == '\\' && value[i + 1] == 'u' && (value[i + 2] == 'd' || value[i + 2] == 'D')) {
                return true;
            }
        }
        return false;
    }

    private static void requireValidUnicode(JsonNode node, String path) {
        if (node.isTextual()) {
            requireValidUnicode(node.textValue(), path);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                requireValidUnicode(field.getKey(), path + " field name");
                requireValidUnicode(field.getValue(), path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                requireValidUnicode(element, path + "[]");
            }
        }
    }

    /**
     * Unpaired surrogates have no UTF-8 form: Kafka keys, Parquet strings and PII hashes would all
     * turn them into '?', so two different ids would become one key.
     */
    private static void requireValidUnicode(String text, String field) {
        if (text == null) {
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new RejectedEventException(RejectReason.INVALID_UNICODE, shorten(field) + " holds an unpaired "
                        + "surrogate \\u" + Integer.toHexString(c) + " at character " + i);
            }
        }
    }

    /** Field paths and echoed values stay short in a reason: they come from the input. */
    private static String shorten(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "…";
    }

    private ObjectNode mergeIntoPayload(ObjectNode payload, Map<String, JsonNode> unknown) {
        ObjectNode merged = payload != null ? payload : mapper.createObjectNode();
        for (Map.Entry<String, JsonNode> e : unknown.entrySet()) {
            if (merged.has(e.getKey())) {
                throw collision(e.getKey());
            }
            merged.set(e.getKey(), e.getValue());
        }
        return merged;
    }

    private static RejectedEventException collision(String field) {
        return new RejectedEventException(RejectReason.UNKNOWN_FIELD,
                "top-level field '" + shorten(field) + "' collides with payload." + shorten(field));
    }

    private void copyMoved(String field, JsonParser parser) throws IOException {
        if (moved == null) {
            moved = canonicalMapper.getFactory().createGenerator(movedCopy);
            moved.setRootValueSeparator(null);
        }
        if (movedNames.isEmpty()) {
            moved.writeStartObject();
        }
        moved.writeFieldName(field);
        movedNames.add(field);
        copyStructure(parser, moved, null);
    }

    /** After a rejection: the generator may be inside an object or hold unflushed bytes. */
    private void discardMoved() {
        if (moved == null) {
            return;
        }
        try {
            moved.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            moved = null;
        }
    }

    /** The payload as its tree would be after {@link #mergeIntoPayload}: its own fields, then the moved ones. */
    private void mergeMovedIntoPayloadCopy() {
        byte[] movedObject = movedCopy.toByteArray();
        if (payloadCopy.size() == 0) {
            payloadCopy.writeBytes(movedObject);
            return;
        }
        byte[] payload = payloadCopy.toByteArray();
        payloadCopy.reset();
        // both are compact objects: the payload's closing brace and the moved object's opening one go
        payloadCopy.write(payload, 0, payload.length - 1);
        if (!payloadNames.isEmpty()) {
            payloadCopy.write(',');
        }
        payloadCopy.write(movedObject, 1, movedObject.length - 1);
    }

    private static void checkId(String id) {
        if (id.isBlank()) {
            throw new RejectedEventException(RejectReason.EMPTY_ID, "event_id is empty");
        }
        int characters = id.codePointCount(0, id.length());
        if (characters > MAX_ID_LENGTH) {
            throw new RejectedEventException(RejectReason.ID_TOO_LONG,
                    "event_id has " + characters + " characters, the limit is " + MAX_ID_LENGTH);
        }
    }

    private void checkRange(Instant time) {
        if (time.isBefore(policy.minEventTime())) {
            String hint = time.isBefore(Instant.parse("1971-01-01T00:00:00Z"))
                    ? " (epoch seconds sent as milliseconds?)" : "";
            throw new RejectedEventException(RejectReason.TIMESTAMP_OUT_OF_RANGE, "event_time " + time
                    + " is before the earliest accepted " + policy.minEventTime() + hint);
        }
        Instant latest = clock.instant().plus(policy.maxFutureSkew());
        if (time.isAfter(latest)) {
            throw new RejectedEventException(RejectReason.TIMESTAMP_OUT_OF_RANGE, "event_time " + time
                    + " is more than " + policy.maxFutureSkew() + " in the future");
        }
    }

    private static void requirePresent(Object value, String field) {
        if (value == null) {
            throw new RejectedEventException(RejectReason.MISSING_FIELD, field + " is missing");
        }
    }

    private static String stringOrNull(JsonParser parser, JsonToken token, String field) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        throw new RejectedEventException(RejectReason.WRONG_TYPE,
                field + " must be a string, got " + describe(token));
    }

    private ObjectNode payloadOrNull(JsonParser parser, JsonToken token) throws IOException {
        return isPayloadObject(token) ? (ObjectNode) mapper.readTree(parser) : null;
    }

    /** True for an object, false for null; rejects anything else. */
    private static boolean isPayloadObject(JsonToken token) {
        if (token == JsonToken.START_OBJECT) {
            return true;
        }
        if (token == JsonToken.VALUE_NULL) {
            return false;
        }
        throw new RejectedEventException(RejectReason.WRONG_TYPE, "payload must be an object, got " + describe(token));
    }

    /**
     * Copies the structure the parser is at as its tree would be written: decimals through
     * BigDecimal and integers through their type, as the tree holds them, so the text is the same.
     * Its names are checked for repeats on the way; with no {@code out} that is all it does.
     * {@code topLevelNames}, when given, collects the names of the structure's own fields.
     */
    private void copyStructure(JsonParser parser, JsonGenerator out, List<String> topLevelNames) throws IOException {
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            switch (token) {
                case START_OBJECT -> {
                    fieldNames.enterObject();
                    depth++;
                }
                case START_ARRAY -> depth++;
                case END_OBJECT -> {
                    fieldNames.exitObject();
                    depth--;
                }
                case END_ARRAY -> depth--;
                case FIELD_NAME -> {
                    fieldNames.add(parser.currentName());
                    if (depth == 1 && topLevelNames != null) {
                        topLevelNames.add(parser.currentName());
                    }
                }
                default -> { }
            }
            if (out != null) {
                writeToken(parser, token, out);
            }
            if (depth == 0) {
                return;
            }
            // never null here: the parser refuses an input that ends inside an object
            token = parser.nextToken();
        }
    }

    private static void writeToken(JsonParser parser, JsonToken token, JsonGenerator out) throws IOException {
        switch (token) {
            case START_OBJECT -> out.writeStartObject();
            case START_ARRAY -> out.writeStartArray();
            case END_OBJECT -> out.writeEndObject();
            case END_ARRAY -> out.writeEndArray();
            case FIELD_NAME -> out.writeFieldName(parser.currentName());
            case VALUE_STRING -> out.writeString(parser.getTextCharacters(), parser.getTextOffset(),
                    parser.getTextLength());
            case VALUE_NUMBER_INT -> {
                switch (parser.getNumberType()) {
                    case INT -> out.writeNumber(parser.getIntValue());
                    case LONG -> out.writeNumber(parser.getLongValue());
                    default -> out.writeNumber(parser.getBigIntegerValue());
                }
            }
            case VALUE_NUMBER_FLOAT -> out.writeNumber(parser.getDecimalValue());
            case VALUE_TRUE -> out.writeBoolean(true);
            case VALUE_FALSE -> out.writeBoolean(false);
            case VALUE_NULL -> out.writeNull();
            default -> throw new IllegalStateException("JSON text holds no " + token);
        }
    }

    private static Instant eventTime(JsonParser parser, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING -> {
                String text = parser.getText();
                try {
                    return IsoTimestamps.parse(text);
                } catch (DateTimeException e) {
                    throw new RejectedEventException(RejectReason.BAD_TIMESTAMP, "event_time '" + shorten(text)
                            + "' is not ISO-8601 with a zone offset (2026-01-31T12:00:00Z) nor epoch milliseconds");
                }
            }
            case VALUE_NUMBER_INT -> {
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw new RejectedEventException(RejectReason.BAD_TIMESTAMP,
                            "event_time " + shorten(parser.getText()) + " does not fit epoch milliseconds");
                }
                return Instant.ofEpochMilli(parser.getLongValue());
            }
            case VALUE_NUMBER_FLOAT -> throw new RejectedEventException(RejectReason.BAD_TIMESTAMP,
                    "event_time " + shorten(parser.getText()) + " must be whole epoch milliseconds");
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new RejectedEventException(RejectReason.WRONG_TYPE,
                    "event_time must be a string or a number, got " + describe(token));
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    /** The canonical log form: fixed field order, ISO-8601 UTC time, absent fields left out. */
    public byte[] write(Event event) {
        return serialize(event, true, null);
    }

    /**
     * The event's content without its id, with object keys sorted at every level: equal for two
     * sends of the same event whatever their key order or whitespace, so it can name the event.
     */
    public byte[] contentBytes(Event event) {
        return serialize(event, false, null);
    }

    /** {@code copiedPayload}, when given, is written as the payload: its JSON, or nothing when empty. */
    private byte[] serialize(Event event, boolean canonicalForm, ByteArrayOutputStream copiedPayload) {
        buffer.reset();
        // contentBytes keeps the original encoding: derived ids of events already ingested must not change
        ObjectMapper writer = canonicalForm ? canonicalMapper : mapper;
        try (JsonGenerator gen = writer.getFactory().createGenerator(buffer)) {
            gen.writeStartObject();
            if (canonicalForm) {
                gen.writeStringField(EVENT_ID, event.eventId());
            }
            gen.writeStringField(EVENT_TYPE, event.eventType());
            gen.writeStringField(EVENT_TIME, IsoTimestamps.format(event.eventTime()));
            if (event.source() != null) {
                gen.writeStringField(SOURCE, event.source());
            }
            if (copiedPayload != null && copiedPayload.size() > 0) {
                gen.writeFieldName(PAYLOAD);
                // an empty raw value writes the separator; the generator's own bytes go out before the copy
                gen.writeRawValue("");
                gen.flush();
                copiedPayload.writeTo(buffer);
            } else if (event.payload() != null) {
                gen.writeFieldName(PAYLOAD);
                if (canonicalForm) {
                    writer.writeTree(gen, event.payload());
                } else {
                    writeSorted(gen, event.payload());
                }
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private void writeSorted(JsonGenerator gen, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names.add(it.next());
            }
            names.sort(null);
            gen.writeStartObject();
            for (String name : names) {
                gen.writeFieldName(name);
                writeSorted(gen, node.get(name));
            }
            gen.writeEndObject();
        } else if (node.isArray()) {
            gen.writeStartArray();
            for (JsonNode element : node) {
                writeSorted(gen, element);
            }
            gen.writeEndArray();
        } else if (node.isBigDecimal()) {
            // as the double it was parsed into before numbers kept their text, so derived ids stay put
            gen.writeNumber(node.doubleValue());
        } else {
            mapper.writeTree(gen, node);
        }
    }
}
