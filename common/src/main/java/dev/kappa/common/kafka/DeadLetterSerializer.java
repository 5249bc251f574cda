package dev.kappa.common.kafka;

import static dev.kappa.common.kafka.DeadLetterHeaders.CLAIM_CHECK;
import static dev.kappa.common.kafka.DeadLetterHeaders.DETAIL;
import static dev.kappa.common.kafka.DeadLetterHeaders.JOB;
import static dev.kappa.common.kafka.DeadLetterHeaders.KEY_CLAIM_CHECK;
import static dev.kappa.common.kafka.DeadLetterHeaders.MAX_DETAIL_CHARS;
import static dev.kappa.common.kafka.DeadLetterHeaders.REASON;
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
        add(headers, DETAIL, shortened(letter.detail()));
        add(headers, JOB, job);
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

    private static String shortened(String detail) {
        if (detail.length() <= MAX_DETAIL_CHARS) {
            return detail;
        }
        int end = MAX_DETAIL_CHARS;
        if (Character.isHighSurrogate(detail.charAt(end - 1))) {
            end--;
        }
        return detail.substring(0, end) + "… (" + (detail.length() - end) + " more characters)";
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
