package dev.kappa.jobs.replay;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LogRange;

/**
 * How far a replay that follows the log is behind it, from the offsets its consumer group commits at
 * each checkpoint: in records, and in event time, from
 * the next record it will read to the newest one.
 *
 * @param position per partition, the replay's committed offset (its range's start before its first)
 * @param end per partition, the log's end offset now
 */
record LogLag(long records, Duration eventTime, Map<Integer, Long> position, Map<Integer, Long> end) {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** Offsets before the end searched for the newest record: enough to get past a few commit markers. */
    private static final int NEWEST_LOOK_BACK = 16;

    static LogLag measure(KafkaAdmin admin, KafkaConsumer<byte[], byte[]> consumer, LogRange range, String group) {
        Map<Integer, Long> end = admin.offsets(range.topic(), OffsetSpec.latest());
        Map<Integer, Long> committed = admin.committedOffsets(group, range.topic());
        Map<Integer, Long> position = new HashMap<>();
        long records = 0;
        for (Map.Entry<Integer, Long> partition : end.entrySet()) {
            long at = committed.getOrDefault(partition.getKey(), range.start().getOrDefault(partition.getKey(), 0L));
            position.put(partition.getKey(), at);
            records += Math.max(0, partition.getValue() - at);
        }
        Map<Integer, Long> next = KafkaTopicReader.eventTimesAt(consumer, range.topic(), position, end, READ_TIMEOUT);
        Map<Integer, Long> last = KafkaTopicReader.newestEventTimes(consumer, range.topic(), position, end,
                NEWEST_LOOK_BACK, READ_TIMEOUT);
        long behind = 0;
        for (Map.Entry<Integer, Long> first : next.entrySet()) {
            Long newestTime = last.get(first.getKey());
            if (newestTime != null) {
                behind = Math.max(behind, newestTime - first.getValue());
            }
        }
        return new LogLag(records, Duration.ofMillis(behind), position, end);
    }

    /** Records the replay read since {@code earlier}. */
    long readSince(LogLag earlier) {
        return sum(position) - sum(earlier.position);
    }

    /** Records the log grew by since {@code earlier}. */
    long grewSince(LogLag earlier) {
        return sum(end) - sum(earlier.end);
    }

    /** One progress line; rates over {@code seconds} since {@code earlier}, if there was an earlier measure. */
    String line(LogLag earlier, double seconds) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "  follow    lag %,d records, %s of event time", records, ReplayProgress.human(eventTime)));
        if (earlier != null && seconds > 0) {
            double read = readSince(earlier) / seconds;
            double grew = grewSince(earlier) / seconds;
            line.append(String.format(Locale.ROOT, "; reading %,.0f ev/s, log grows %,.0f ev/s", read, grew));
            if (read > grew) {
                Duration eta = Duration.ofSeconds((long) (records / (read - grew)));
                line.append(", ETA ").append(ReplayProgress.human(eta));
            } else if (grew > 0) {
                line.append(", not gaining");
            }
        }
        return line.toString();
    }

    private static long sum(Map<Integer, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
