package dev.kappa.common.kafka;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.kappa.common.event.RawRecord;

/**
 * Keeps the whole Kafka record, null values included: parsing is the normalizer's job, not the
 * source's. A re-driven bulk-file line brings its file-derived id in a header.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(RawRecord.fromKafka(record.topic(), record.partition(), record.offset(), record.timestamp(),
                record.key(), record.value(),
                DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SOURCE_FALLBACK_ID)));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
