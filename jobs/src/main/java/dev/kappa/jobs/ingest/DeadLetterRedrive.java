package dev.kappa.jobs.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.event.RejectReason;
import dev.kappa.common.event.RejectedEventException;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LogRange;

/**
 * {@code kappa dlq redrive}: sends the dead letters ingest parked back to the raw topic with their
 * original bytes (opened if sealed, fetched from their claim-check files), once a fix lets them pass.
 * Each letter is first checked the way ingest will check it under the current settings; one that
 * would be refused again stays where it is and is counted by reason, so a re-drive never doubles
 * the DLQ. A re-sent event whose id was already accepted is dropped downstream by dedup; a bulk-file
 * line keeps its file-derived id (a header ingest reads).
 */
public final class DeadLetterRedrive {

    /** On each re-sent record: the dead letter it came from, {@code <partition>@<offset>} on topics.dlq. */
    public static final String REDRIVEN_FROM = "kappa.redriven-from";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRedrive.class);
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);
    /** What sealing adds to a value: its IV and tag. */
    private static final int SEAL_OVERHEAD_BYTES = 28;

    /** What a re-drive did: letters read and matching, sent, refused again by reason, and others skipped. */
    public record Report(long read, long sent, Map<String, Long> refusedAgain, long notIngests) {
        public long refused() {
            return refusedAgain.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private DeadLetterRedrive() {
    }

    /**
     * Re-drives the letters of topics.dlq written since {@code since} (null: all) with reason
     * {@code reason} (null: any).
     */
    public static Report run(KappaConfig config, String reason, Instant since) {
        KafkaSettings kafka = KafkaSettings.from(config);
        String raw = config.get(CommonOptions.TOPIC_RAW);
        String dlq = config.get(CommonOptions.TOPIC_DLQ);
        IngestSettings settings;
        LogRange range;
        int rawLimit;
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.requireTopics(List.of(raw, config.get(CommonOptions.TOPIC_VALID), dlq));
            range = LogRange.capture(admin, dlq, since);
            rawLimit = admin.maxRecordBytes(raw);
            settings = IngestSettings.withTopicLimits(config, admin);
        }
        Redrive redrive = new Redrive(raw, reason, settings, rawLimit);
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            KafkaTopicReader.read(kafka, range, READ_TIMEOUT, letter -> redrive.offer(letter, producer));
            producer.flush();
            redrive.requireAllSent();
        }
        Report report = redrive.report();
        LOG.info("Re-drove {} dead letters of {} to {}; {} refused again {}, {} not parked by ingest", report.sent(),
                dlq, raw, report.refused(), report.refusedAgain(), report.notIngests());
        return report;
    }

    /** One pass over the letters, sending as it reads, so a large DLQ is never held in memory. */
    private static final class Redrive {
        private final String raw;
        private final String reason;
        private final IngestSettings settings;
        private final RecordNormalizer normalizer;
        private final int rawLimit;
        private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
        private final Map<String, Long> refusedAgain = new TreeMap<>();
        private long read;
        private long sent;
        private long notIngests;

        Redrive(String raw, String reason, IngestSettings settings, int rawLimit) {
            this.raw = raw;
            this.reason = reason;
            this.settings = settings;
            this.normalizer = new RecordNormalizer(settings, () -> { });
            this.rawLimit = rawLimit;
        }

        void offer(ConsumerRecord<byte[], byte[]> letter, KafkaProducer<byte[], byte[]> producer) {
            if (reason != null && !reason.equals(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.REASON))) {
                return;
            }
            read++;
            String sourceTopic = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC);
            boolean fromFile = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_FILE) != null;
            if (!raw.equals(sourceTopic) && !fromFile) {
                notIngests++;
                return;
            }
            if (claimedBytes(letter) > rawLimit + SEAL_OVERHEAD_BYTES) {
                // checked before reading: a claimed bulk line may not fit in memory
                refusedAgain.merge(RejectReason.TOO_LARGE.code(), 1L, Long::sum);
                return;
            }
            byte[] key = original(letter, DeadLetterHeaders.KEY_CLAIM_CHECK, letter.key(), settings);
            byte[] value = original(letter, DeadLetterHeaders.CLAIM_CHECK, letter.value(), settings);
            String fallbackId = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_FALLBACK_ID);
            String refusal = refusal(normalizer, key, value, fallbackId, rawLimit);
            if (refusal != null) {
                refusedAgain.merge(refusal, 1L, Long::sum);
                return;
            }
            RecordHeaders headers = new RecordHeaders();
            headers.add(REDRIVEN_FROM, (letter.partition() + "@" + letter.offset()).getBytes(StandardCharsets.UTF_8));
            if (fallbackId != null) {
                headers.add(DeadLetterHeaders.SOURCE_FALLBACK_ID, fallbackId.getBytes(StandardCharsets.UTF_8));
            }
            producer.send(new ProducerRecord<>(raw, null, null, key, value, headers), (metadata, failure) -> {
                if (failure != null) {
                    sendFailure.compareAndSet(null, failure);
                }
            });
            sent++;
        }

        void requireAllSent() {
            Exception failure = sendFailure.get();
            if (failure != null) {
                throw new IllegalStateException("re-sending dead letters failed: " + failure.getMessage()
                        + "; run the re-drive again: dedup drops the events sent twice", failure);
            }
        }

        Report report() {
            return new Report(read, sent, refusedAgain, notIngests);
        }
    }

    private static long claimedBytes(ConsumerRecord<byte[], byte[]> letter) {
        long bytes = 0;
        for (String header : List.of(DeadLetterHeaders.KEY_CLAIM_CHECK, DeadLetterHeaders.CLAIM_CHECK)) {
            String claim = DeadLetterHeaders.get(letter.headers(), header);
            if (claim != null) {
                try {
                    bytes += ClaimCheckStore.length(claim);
                } catch (IOException e) {
                    throw unreadable(letter, claim, e);
                }
            }
        }
        return bytes;
    }

    /** Why ingest would refuse the record again under the current settings, or null if it would take it. */
    private static String refusal(RecordNormalizer normalizer, byte[] key, byte[] value, String fallbackId,
            int rawLimit) {
        long size = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (size > rawLimit) {
            return RejectReason.TOO_LARGE.code();
        }
        try {
            normalizer.normalize(RawRecord.fromKafka(null, -1, -1, -1, key, value, fallbackId));
            return null;
        } catch (RejectedEventException e) {
            return e.reason().code();
        }
    }

    private static byte[] original(ConsumerRecord<byte[], byte[]> letter, String claimHeader, byte[] carried,
            IngestSettings settings) {
        String claim = DeadLetterHeaders.get(letter.headers(), claimHeader);
        byte[] bytes;
        try {
            bytes = claim == null ? carried : ClaimCheckStore.read(claim);
        } catch (IOException e) {
            throw unreadable(letter, claim, e);
        }
        if (DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.ENCRYPTION) == null) {
            return bytes;
        }
        if (settings.piiKey() == null) {
            throw new ConfigException("dead letter " + letter.partition() + "@" + letter.offset() + " is sealed "
                    + "because ingest.pii.fields were set: set ingest.pii.key to the key ingest had then");
        }
        try {
            return DeadLetterSeal.open(bytes, settings.piiKey());
        } catch (GeneralSecurityException e) {
            throw new ConfigException("dead letter " + letter.partition() + "@" + letter.offset() + " does not open "
                    + "with this ingest.pii.key: it was sealed under another one (the key ingest had when it parked "
                    + "it)");
        }
    }

    private static UncheckedIOException unreadable(ConsumerRecord<byte[], byte[]> letter, String claim, IOException e) {
        return new UncheckedIOException("dead letter " + letter.partition() + "@" + letter.offset()
                + " keeps its bytes at " + claim + ", which cannot be read: " + e.getMessage(), e);
    }

    private static KafkaProducer<byte[], byte[]> producer(KafkaSettings kafka) {
        Properties props = kafka.toProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
