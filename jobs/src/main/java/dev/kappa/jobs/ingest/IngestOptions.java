package dev.kappa.jobs.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

import dev.kappa.common.config.ConfigOption;
import dev.kappa.common.event.ParsePolicy;
import dev.kappa.common.kafka.StartingPosition;

/** Settings of the ingestion job. */
public final class IngestOptions {

    public static final ConfigOption<StartingPosition> START = ConfigOption.key("ingest.start")
            .enumType(StartingPosition.class).defaultValue(StartingPosition.COMMITTED)
            .withDescription("Where to start reading topics.raw without a checkpoint/savepoint: the consumer "
                    + "group's committed offsets (earliest if none), earliest or latest.");

    public static final ConfigOption<DeliveryGuarantee> DELIVERY = ConfigOption.key("ingest.delivery")
            .enumType(DeliveryGuarantee.class).defaultValue(DeliveryGuarantee.AT_LEAST_ONCE)
            .withDescription("Guarantee for events.valid and events.dlq. at-least-once is enough because the "
                    + "dedup stage removes repeats by event_id, and it keeps latency low; exactly-once uses "
                    + "Kafka transactions.");

    public static final ConfigOption<MissingId> MISSING_ID = ConfigOption.key("ingest.missing-id")
            .enumType(MissingId.class).defaultValue(MissingId.REJECT)
            .withDescription("An event without event_id: reject it to the DLQ, or derive an id from a SHA-256 "
                    + "of its content (so a retried identical event gets the same id). Bulk-file lines always "
                    + "get an id from the file's content hash and the line's byte offset.");

    public static final ConfigOption<ParsePolicy.UnknownFields> UNKNOWN_FIELDS = ConfigOption
            .key("ingest.unknown-fields").enumType(ParsePolicy.UnknownFields.class)
            .defaultValue(ParsePolicy.UnknownFields.PAYLOAD)
            .withDescription("Top-level fields outside the envelope: move into payload, drop, or reject.");

    public static final ConfigOption<MemorySize> MAX_RECORD_BYTES = ConfigOption.key("ingest.max-record-bytes")
            .memoryType().defaultValue(MemorySize.parse("1mb"))
            .withDescription("Larger records go to the DLQ as too_large.");

    public static final ConfigOption<String> CLAIM_CHECK_DIR = ConfigOption.key("ingest.claim-check-dir")
            .stringType().defaultValue("file:///tmp/kappa/dlq-claims")
            .withDescription("Durable URI where a rejected value too large for topics.dlq (or a bulk-file line "
                    + "over ingest.max-record-bytes) is kept whole; its dead letter names the file in the "
                    + "kappa.dlq.claim-check header. Put it beside the warehouse.");

    public static final ConfigOption<Integer> MAX_DEPTH = ConfigOption.key("ingest.max-depth")
            .intType().defaultValue(32)
            .withDescription("Deepest JSON nesting accepted (the envelope object counts as 1), 1 to 1000.");

    public static final ConfigOption<Instant> MIN_EVENT_TIME = ConfigOption.key("ingest.min-event-time")
            .instantType().defaultValue(Instant.parse("2000-01-01T00:00:00Z"))
            .withDescription("Earlier event times are rejected as timestamp_out_of_range (catches seconds "
                    + "sent as milliseconds and 1970 defaults).");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW = ConfigOption.key("ingest.max-future-skew")
            .durationType().defaultValue(Duration.ofDays(1))
            .withDescription("Event times further than this ahead of the ingest clock are rejected.");

    public static final ConfigOption<List<String>> PII_FIELDS = ConfigOption.key("ingest.pii.fields")
            .listType().defaultValue(List.of())
            .withDescription("Fields replaced by an HMAC-SHA256 (hex) before they reach the log: 'source' or "
                    + "payload paths such as payload.user.email.");

    public static final ConfigOption<String> PII_KEY = ConfigOption.key("ingest.pii.key")
            .stringType().noDefault()
            .withDescription("HMAC key for ingest.pii.fields, at least 16 bytes; reference an environment "
                    + "variable: ${env:KAPPA_PII_KEY}.")
            .asSecret();

    private IngestOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(START, DELIVERY, MISSING_ID, UNKNOWN_FIELDS, MAX_RECORD_BYTES, CLAIM_CHECK_DIR, MAX_DEPTH,
                MIN_EVENT_TIME, MAX_FUTURE_SKEW, PII_FIELDS, PII_KEY);
    }

    /** What to do with an event that has no event_id. */
    public enum MissingId {
        REJECT,
        DERIVE
    }
}
