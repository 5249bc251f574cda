package dev.kappa.jobs.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.common.event.RejectReason;
import dev.kappa.common.metrics.Tally;

/** Totals of a finished (bounded) ingest run, read from the normalizer's accumulators. */
public record IngestSummary(long valid, long deadLetters, Map<String, Long> deadLettersByReason, Duration runtime) {

    public static IngestSummary of(JobExecutionResult result) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            long count = Tally.total(result, EventNormalizer.DEAD_PREFIX + reason.code());
            if (count > 0) {
                byReason.put(reason.code(), count);
            }
        }
        return new IngestSummary(Tally.total(result, EventNormalizer.VALID), Tally.total(result, EventNormalizer.DEAD),
                byReason,
                Duration.ofMillis(result.getNetRuntime()));
    }

    public long records() {
        return valid + deadLetters;
    }

    public long recordsPerSecond() {
        return runtime.isZero() ? records() : records() * 1000 / runtime.toMillis();
    }

    @Override
    public String toString() {
        return String.format("%d records in %.1f s (%d records/s): %d valid, %d dead letters %s", records(),
                runtime.toMillis() / 1000.0, recordsPerSecond(), valid, deadLetters, deadLettersByReason);
    }
}
