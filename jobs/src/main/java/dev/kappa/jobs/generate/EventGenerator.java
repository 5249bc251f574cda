package dev.kappa.jobs.generate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Deterministic synthetic traffic as at-least-once producers send it: unique events, resends of
 * earlier ones (mostly soon after, sometimes much later), malformed records of every kind the
 * ingest job must catch, and late events. The same spec always yields the same bytes, and a
 * duplicate is regenerated from the seed rather than remembered, so memory does not grow with
 * the count.
 */
public final class EventGenerator {

    private static final String[] TYPES = {"page_view", "click", "add_to_cart", "purchase", "search", "signup"};
    private static final int RECENT_WINDOW = 1000;

    private final Spec spec;
    private final SplittableRandom random;
    private final long stepNanos;
    private long emitted;
    private long uniques;

    public EventGenerator(Spec spec) {
        this.spec = spec;
        this.random = new SplittableRandom(spec.seed());
        this.stepNanos = Math.max(1, spec.span().toNanos() / Math.max(1, spec.count()));
    }

    /** What to generate; ratios are fractions of all records (0.1 = 10 %). */
    public record Spec(long count, double duplicates, double malformed, double late, long seed, Instant start,
            Duration span) {
        public Spec {
            if (count < 0 || duplicates < 0 || malformed < 0 || late < 0 || duplicates + malformed > 1 || late > 1) {
                throw new IllegalArgumentException("count must be >= 0 and ratios within 0..1 "
                        + "(duplicates + malformed <= 1)");
            }
        }
    }

    /** One record; {@code eventId} is null for malformed ones. */
    public record Generated(Kind kind, String eventId, byte[] value) {
    }

    public enum Kind {
        UNIQUE,
        DUPLICATE,
        MALFORMED
    }

    public boolean hasNext() {
        return emitted < spec.count();
    }

    public Generated next() {
        emitted++;
        double draw = random.nextDouble();
        if (draw < spec.malformed()) {
            return new Generated(Kind.MALFORMED, null, malformed(random.nextInt(Malformation.values().length)));
        }
        if (draw < spec.malformed() + spec.duplicates() && uniques > 0) {
            boolean recent = random.nextInt(5) != 0;
            long index = recent ? uniques - 1 - random.nextInt((int) Math.min(uniques, RECENT_WINDOW))
                    : random.nextLong(uniques);
            return event(index, Kind.DUPLICATE);
        }
        return event(uniques++, Kind.UNIQUE);
    }

    private Generated event(long index, Kind kind) {
        SplittableRandom r = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + index);
        String id = new UUID(r.nextLong(), r.nextLong()).toString();
        Instant time = spec.start().plusNanos(stepNanos * index);
        if (r.nextDouble() < spec.late()) {
            time = time.minusSeconds(600 + r.nextInt(3 * 3600));
        }
        String eventTime = r.nextInt(10) == 0 ? Long.toString(time.toEpochMilli()) : "\"" + time + "\"";
        String type = TYPES[r.nextInt(TYPES.length)];
        String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":" + eventTime
                + ",\"source\":\"web-" + r.nextInt(8) + "\",\"payload\":{\"user_id\":\"u-" + r.nextInt(100_000)
                + "\",\"session_id\":\"" + Long.toHexString(r.nextLong()) + "\",\"url\":\"https://shop.example/p/"
                + r.nextInt(50_000) + "\",\"amount\":" + r.nextInt(100_000) / 100.0
                + ",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/" + (100 + r.nextInt(40))
                + ".0\"}}";
        return new Generated(kind, id, json.getBytes(StandardCharsets.UTF_8));
    }

    /** The kinds of broken input producers send; each one maps to a distinct dead-letter reason. */
    enum Malformation {
        TRUNCATED_JSON,
        NOT_AN_OBJECT,
        MISSING_TYPE,
        UNPARSEABLE_TIME,
        EPOCH_SECONDS,
        EMPTY_ID,
        NUMERIC_ID,
        INVALID_UTF8,
        EMPTY_RECORD
    }

    private byte[] malformed(int kind) {
        String id = "bad-" + Long.toHexString(random.nextLong());
        String time = "\"" + spec.start() + "\"";
        String text = switch (Malformation.values()[kind]) {
            case TRUNCATED_JSON -> "{\"event_id\":\"" + id + "\",\"event_type\":\"click\",\"event_ti";
            case NOT_AN_OBJECT -> "[\"" + id + "\",\"click\"]";
            case MISSING_TYPE -> "{\"event_id\":\"" + id + "\",\"event_time\":" + time + "}";
            case UNPARSEABLE_TIME -> "{\"event_id\":\"" + id + "\",\"event_type\":\"click\",\"event_time\":\"yesterday\"}";
            case EPOCH_SECONDS -> "{\"event_id\":\"" + id + "\",\"event_type\":\"click\",\"event_time\":"
                    + spec.start().getEpochSecond() + "}";
            case EMPTY_ID -> "{\"event_id\":\"\",\"event_type\":\"click\",\"event_time\":" + time + "}";
            case NUMERIC_ID -> "{\"event_id\":" + random.nextInt(1_000_000) + ",\"event_type\":\"click\",\"event_time\":"
                    + time + "}";
            case INVALID_UTF8 -> null;
            case EMPTY_RECORD -> "";
        };
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        byte[] prefix = ("{\"event_id\":\"" + id + "\",\"event_type\":\"cl").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[prefix.length + 2];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        bytes[prefix.length] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
        bytes[prefix.length + 1] = '"';
        return bytes;
    }
}
