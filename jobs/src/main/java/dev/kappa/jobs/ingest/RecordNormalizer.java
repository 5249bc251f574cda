package dev.kappa.jobs.ingest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.Event;
import dev.kappa.common.event.EventCodec;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.event.RejectedEventException;

/**
 * One raw record to its canonical event under the ingest settings: parse and validate, hash the PII
 * fields, fill in a missing id. Shared by the ingest job and by {@code kappa dlq redrive}, which
 * checks a dead letter the way ingest will before sending it back. Not thread-safe.
 */
final class RecordNormalizer {

    private static final String DERIVED_ID_PREFIX = "derived-";
    private static final int EVENT_TIME_HEADER_BYTES = 64;

    private final IngestSettings settings;
    private final Runnable onDerivedId;
    private final EventCodec codec;
    private final PiiMasker piiMasker;
    private final MessageDigest sha256;

    /** {@code onDerivedId} runs for each event whose id this derives from its content. */
    RecordNormalizer(IngestSettings settings, Runnable onDerivedId) {
        this.settings = settings;
        this.onDerivedId = onDerivedId;
        this.codec = new EventCodec(settings.policy());
        this.piiMasker = settings.piiFields().isEmpty() ? null : new PiiMasker(settings.piiFields(), settings.piiKey());
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical event; throws {@link RejectedEventException} with the reason for bad input. */
    CanonicalEvent normalize(RawRecord raw) {
        CanonicalEvent canonical = piiMasker == null ? codec.canonicalize(raw.value(), () -> lineId(raw)) : null;
        if (canonical == null) {
            canonical = normalizeTree(raw);
        }
        long size = canonicalRecordBytes(canonical);
        if (size > settings.validRecordLimit()) {
            throw new RejectedEventException(RejectReason.TOO_LARGE, "its canonical record would be about " + size
                    + " bytes, more than the canonical topic takes (" + settings.validRecordLimit() + ", from its "
                    + "max.message.bytes and the producer's max.request.size)");
        }
        return canonical;
    }

    /** Through the event's tree, which masking and deriving an id need. */
    private CanonicalEvent normalizeTree(RawRecord raw) {
        Event event = codec.parse(raw.value());
        if (piiMasker != null) {
            event = piiMasker.mask(event);
        }
        if (event.eventId() == null) {
            event = event.withEventId(missingId(raw, event));
        }
        return new CanonicalEvent(event.eventId(), event.eventTime().toEpochMilli(), codec.write(event));
    }

    /** An upper bound, without encoding the id: at most 4 UTF-8 bytes per char, and the time header. */
    private static long canonicalRecordBytes(CanonicalEvent event) {
        return event.json().length + 4L * event.eventId().length() + EVENT_TIME_HEADER_BYTES;
    }

    /** A bulk-file line's id, for an event on that line without one of its own. */
    private static String lineId(RawRecord raw) {
        // a re-driven bulk-file line brings its id in a header anyone could set: only a line id counts
        return raw.fallbackId() != null && NdjsonFileFormat.isLineId(raw.fallbackId()) ? raw.fallbackId() : null;
    }

    private String missingId(RawRecord raw, Event event) {
        String lineId = lineId(raw);
        if (lineId != null) {
            return lineId;
        }
        if (settings.missingId() == IngestOptions.MissingId.REJECT) {
            throw new RejectedEventException(RejectReason.MISSING_FIELD, "event_id is missing");
        }
        onDerivedId.run();
        return DERIVED_ID_PREFIX + HexFormat.of().formatHex(sha256.digest(codec.contentBytes(event)));
    }
}
