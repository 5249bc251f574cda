package dev.kappa.jobs.dedup;

import java.time.Duration;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.common.metrics.Tally;

/** Totals of a finished (bounded) dedup run, read from the deduplicator's accumulators. */
public record DedupSummary(long unique, long duplicates, long tooLate, long invalid, Duration runtime) {

    public static DedupSummary of(JobExecutionResult result) {
        return new DedupSummary(Tally.total(result, EventIdDeduplicator.UNIQUE),
                Tally.total(result, EventIdDeduplicator.DUPLICATES), Tally.total(result, EventIdDeduplicator.TOO_LATE),
                Tally.total(result, EventIdDeduplicator.INVALID),
                Duration.ofMillis(result.getNetRuntime()));
    }

    public long records() {
        return unique + duplicates + tooLate + invalid;
    }

    public long recordsPerSecond() {
        return runtime.isZero() ? records() : records() * 1000 / runtime.toMillis();
    }

    @Override
    public String toString() {
        return String.format("%d records in %.1f s (%d records/s): %d unique, %d duplicates dropped, %d too late, "
                + "%d invalid", records(), runtime.toMillis() / 1000.0, recordsPerSecond(), unique, duplicates,
                tooLate, invalid);
    }
}
