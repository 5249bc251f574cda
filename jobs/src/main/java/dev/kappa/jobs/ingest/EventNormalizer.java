package dev.kappa.jobs.ingest;

import java.util.EnumMap;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.event.RejectedEventException;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.metrics.CheckpointAge;
import dev.kappa.common.metrics.Tally;

/**
 * Turns each raw record into exactly one output: a canonical event on the main output, or a dead
 * letter on {@link #DEAD_LETTERS}. Nothing is dropped, so raw = valid + dead letters always holds.
 */
public final class EventNormalizer extends ProcessFunction<RawRecord, CanonicalEvent> implements CheckpointListener {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };

    public static final String VALID = "ingest_valid";
    public static final String DEAD = "ingest_dlq";
    public static final String DERIVED_IDS = "ingest_derived_ids";
    /** Per-reason dead-letter counts are named {@code ingest_dlq_<reason code>}. */
    public static final String DEAD_PREFIX = "ingest_dlq_";

    private static final Logger LOG = LoggerFactory.getLogger(EventNormalizer.class);
    /**
     * A dead letter's headers at most: the detail (cut, perhaps sealed) and the masked value (cut) at up
     * to 4 bytes per character, provenance, claim URIs.
     */
    private static final int DEAD_LETTER_HEADER_BYTES = 4 * (2 * DeadLetterHeaders.MAX_DETAIL_CHARS
            + DeadLetterHeaders.MAX_MASKED_CHARS) + 4096;

    private final IngestSettings settings;

    private transient RecordNormalizer normalizer;
    /** Set when PII fields are configured: a dead letter then holds no PII field in clear. */
    private transient DeadLetterSeal seal;
    private transient Tally valid;
    private transient Tally dead;
    private transient Tally derivedIds;
    private transient Map<RejectReason, Tally> deadByReason;
    private transient CheckpointAge checkpointAge;

    public EventNormalizer(IngestSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        seal = DeadLetterSeal.of(settings);
        valid = Tally.register(getRuntimeContext(), VALID);
        dead = Tally.register(getRuntimeContext(), DEAD);
        derivedIds = Tally.register(getRuntimeContext(), DERIVED_IDS);
        normalizer = new RecordNormalizer(settings, derivedIds::increment);
        deadByReason = new EnumMap<>(RejectReason.class);
        for (RejectReason reason : RejectReason.values()) {
            deadByReason.put(reason, Tally.register(getRuntimeContext(), DEAD_PREFIX + reason.code()));
        }
        checkpointAge = CheckpointAge.register(getRuntimeContext());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointAge.completed();
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<CanonicalEvent> out) {
        if (raw.claimCheck() != null) {
            reject(raw, RejectReason.TOO_LARGE, "longer than the limit of " + settings.policy().maxRecordBytes()
                    + " bytes (ingest.max-record-bytes); kept whole at " + raw.claimCheck(), ctx);
            return;
        }
        CanonicalEvent event;
        try {
            event = normalizer.normalize(raw);
        } catch (RejectedEventException rejected) {
            reject(raw, rejected.reason(), rejected.detail(), ctx);
            return;
        } catch (RuntimeException bug) {
            LOG.warn("Unexpected failure normalizing {}; parked in the DLQ as internal_error", raw.origin(), bug);
            reject(raw, RejectReason.INTERNAL_ERROR, String.valueOf(bug), ctx);
            return;
        }
        out.collect(event);
        valid.increment();
    }

    /**
     * The record as its dead letter can carry it: a key or value that would make the letter too large
     * for the DLQ topic is kept whole in a claim-check file instead, so nothing is lost and the DLQ
     * producer never fails on it.
     */
    private RawRecord fittingDeadLetters(RawRecord raw) {
        long limit = settings.deadLetterLimit() - DEAD_LETTER_HEADER_BYTES;
        RawRecord fitting = raw;
        if (length(fitting.key()) > limit / 2) {
            fitting = fitting.withKeyClaimed(claim(fitting.key()));
        }
        if (length(fitting.key()) + length(fitting.value()) > limit) {
            fitting = fitting.withValueClaimed(claim(fitting.value()));
        }
        return fitting;
    }

    private String claim(byte[] bytes) {
        return settings.claimChecks().keep(bytes, seal == null ? null : seal.sealer());
    }

    private static long length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private void reject(RawRecord raw, RejectReason reason, String detail, Context ctx) {
        RawRecord fitting = fittingDeadLetters(raw);
        ctx.output(DEAD_LETTERS, seal != null ? seal.letter(fitting, raw.value(), reason, detail)
                : new DeadLetter(fitting, reason, detail));
        dead.increment();
        deadByReason.get(reason).increment();
    }
}
