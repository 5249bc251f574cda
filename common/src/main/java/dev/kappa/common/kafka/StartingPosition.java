package dev.kappa.common.kafka;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Where a source starts when it has no checkpoint or savepoint to resume from. */
public enum StartingPosition {
    /** The consumer group's committed offsets, or the earliest for partitions without any. */
    COMMITTED,
    EARLIEST,
    LATEST;

    @SuppressWarnings("deprecation") // the connector's API still takes the client's deprecated enum
    public OffsetsInitializer initializer() {
        return switch (this) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }
}
