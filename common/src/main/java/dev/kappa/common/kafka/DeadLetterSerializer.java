package dev.kappa.common.kafka;

import static dev.kappa.common.kafka.DeadLetterHeaders.CLAIM_CHECK;
import static dev.kappa.common.kafka.DeadLetterHeaders.DETAIL;
import static dev.kappa.common.kafka.DeadLetterHeaders.ENCRYPTION;
import static dev.kappa.common.kafka.DeadLetterHeaders.ENCRYPTION_AES_GCM;
import static dev.kappa.common.kafka.DeadLetterHeaders.JOB;
import static dev.kappa.common.kafka.DeadLetterHeaders.KEY_CLAIM_CHECK;
import static dev.kappa.common.kafka.DeadLetterHeaders.MASKED_VALUE;
import static dev.kappa.common.kafka.DeadLetterHeaders.REASON;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_FALLBACK_ID;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_FILE;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_OFFSET;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_PARTITION;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_TIMESTAMP;
import static dev.kappa.common.kafka.DeadLetterHeaders.SOURCE_TOPIC;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.RawRecord;

/**
 * Original key and value unchanged, so a fixed record can be re-sent as is (or, for a value too large
 * for the topic, where it is kept whole); why, whence and which job parked it in headers.
 */
public final class DeadLetterSerializer extends SingleTopicSerializer<DeadLetter> {

    private final String job;

    public DeadLetterSerializer(String topic, String job) {
        super(topic);
        this.job = job;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RawRecord source = letter.source();
        RecordHeaders headers = new RecordHeaders();
        add(headers, REASON, letter.reason().code());
        // a sealed detail was cut before it was sealed
        add(headers, DETAIL, letter.encrypted() ? letter.detail() : DeadLetterHeaders.cut(letter.detail()));
        add(headers, JOB, job);
        if (letter.encrypted()) {
            add(headers, ENCRYPTION, ENCRYPTION_AES_GCM);
        }
        if (letter.maskedValue() != null) {
            add(headers, MASKED_VALUE, letter.maskedValue());
        }
        if (source.fallbackId() != null) {
            add(headers, SOURCE_FALLBACK_ID, source.fallbackId());
        }
        if (source.file() != null) {
            add(headers, SOURCE_FILE, source.file());
        } else {
            add(headers, SOURCE_TOPIC, source.topic());
            add(headers, SOURCE_PARTITION, Integer.toString(source.partition()));
            add(headers, SOURCE_TIMESTAMP, Long.toString(source.timestamp()));
        }
        add(headers, SOURCE_OFFSET, Long.toString(source.offset()));
        if (source.claimCheck() != null) {
            add(headers, CLAIM_CHECK, source.claimCheck());
        }
        if (source.keyClaimCheck() != null) {
            add(headers, KEY_CLAIM_CHECK, source.keyClaimCheck());
        }
        return new ProducerRecord<>(topic, null, null, source.key(), source.value(), headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
