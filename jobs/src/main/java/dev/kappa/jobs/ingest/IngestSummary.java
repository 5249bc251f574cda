package dev.kappa.jobs.ingest;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.flink.api.common.JobExecutionResult;

import dev.kappa.common.event.RejectReason;

/** Totals of a finished (bounded) ingest run, read from the normalizer's accumulators. */
public record IngestSummary(long valid, long deadLetters, Map<String, Long> deadLettersByReason, Duration runtime) {

    public static IngestSummary of(JobExecutionResult result) {
        Map<String, Long> byReason = new LinkedHashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            long count = count(result, EventNormalizer.DEAD_PREFIX + reason.code());
            if (count > 0) {
                byReason.put(reason.code(), count);
            }
        }
        return new IngestSummary(count(result, EventNormalizer.VALID), count(result, EventNormalizer.DEAD), byReason,
                Duration.ofMillis(result.getNetRuntime()));
    }

    private static long count(JobExecutionResult result, String name) {
        Long value = result.getAccumulatorResult(name);
        return value == null ? 0 : value;
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
