package dev.kappa.common.kafka;

import java.util.List;
import java.util.Optional;

import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

/**
 * A serializer that writes to one topic and says so: the sink's pooled transaction naming must
 * know the target topics up front to find and abort lingering transactions after a restore.
 */
public abstract class SingleTopicSerializer<T> implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {

    protected final String topic;

    protected SingleTopicSerializer(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
    }
}
