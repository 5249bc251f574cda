package dev.kappa.common.event;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * What the codec accepts. Limits exist so that one hostile or broken producer cannot stall or
 * crash the job (huge records, deep nesting) and so that absurd timestamps (seconds sent as
 * milliseconds, year 1970 defaults) are caught at the door instead of polluting partitions.
 */
public record ParsePolicy(
        int maxRecordBytes,
        int maxDepth,
        UnknownFields unknownFields,
        Instant minEventTime,
        Duration maxFutureSkew) implements Serializable {

    /** What to do with top-level fields that are not part of the envelope. */
    public enum UnknownFields {
        /** Move them into payload, where nothing is lost. */
        PAYLOAD,
        /** Drop them. */
        DROP,
        /** Send the record to the dead-letter topic. */
        REJECT
    }
}
