package dev.kappa.jobs.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.flink.core.fs.Path;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LogRange;

/**
 * Reconciles a table version with the log it was built from, reading both in full (the version's
 * files as its catalog snapshot lists them, not as a directory listing finds them), and records the
 * outcome in the version's history: every id of the range must be in exactly one row (unless the
 * version's own job parked it in the DLQ), and every row must point at a log record of the range
 * that carries its id. Holds the range's ids and the table's
 * row positions in memory: about 150 bytes per event.
 */
public final class TableAudit {

    private static final int EXAMPLES = 20;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(30);

    private TableAudit() {
    }

    public static AuditReport run(KafkaSettings kafka, String dlqTopic, TableVersions versions, int version)
            throws IOException {
        TableVersion entry = versions.require(version);
        List<TableScan.Partition> partitions = TableScan.partitionsOf(versions.files(version));
        LogRange range = entry.range();
        String rangeFrom = "versions";
        if (range == null) {
            range = rangeOfFiles(partitions, entry.sourceTopic());
            rangeFrom = "footers";
        } else if (entry.follows()) {
            // it read on past its recorded end: up to what its files hold
            Map<Integer, Long> end = new TreeMap<>(range.start());
            rangeOfFiles(partitions, range.topic()).end().forEach((p, offset) -> end.merge(p, offset, Math::max));
            end.keySet().retainAll(range.start().keySet());
            range = new LogRange(range.topic(), range.start(), end);
            rangeFrom = "versions and footers";
        }
        AuditReport report = audit(kafka, dlqTopic, versions, entry, partitions, range, rangeFrom, false);
        versions.update(version, v -> v.withAudit(report.ok() ? "passed" : "failed"));
        return report;
    }

    /**
     * Audits a replay that follows the log against its stretch from its start up to {@code end}, the
     * offsets its consumer group had committed: every id there must be in exactly one row. Rows past
     * {@code end} are only checked for duplicated ids; a later audit covers them. The outcome is not
     * recorded: the caller may look again while files of the stretch are still being committed.
     */
    public static AuditReport runUpTo(KafkaSettings kafka, String dlqTopic, TableVersions versions, int version,
            Map<Integer, Long> end) throws IOException {
        TableVersion entry = versions.require(version);
        if (!entry.follows()) {
            throw new IllegalArgumentException(versions.table() + " " + entry.name() + " does not follow the log");
        }
        LogRange range = new LogRange(entry.range().topic(), entry.range().start(), end);
        return audit(kafka, dlqTopic, versions, entry, TableScan.partitionsOf(versions.files(version)), range,
                "versions and the committed offsets", true);
    }

    private static AuditReport audit(KafkaSettings kafka, String dlqTopic, TableVersions versions, TableVersion entry,
            List<TableScan.Partition> partitions, LogRange range, String rangeFrom, boolean rowsMayGoOn)
            throws IOException {
        Map<Long, String> rowIdsByPosition = new HashMap<>();
        Map<String, Integer> rowsById = new HashMap<>();
        List<String> outside = new ArrayList<>();
        long[] rows = {0};
        LogRange audited = range;
        TableScan.forEachRow(partitions, row -> {
            rows[0]++;
            rowsById.merge(row.eventId(), 1, Integer::sum);
            if (rowsMayGoOn && audited.isPast(row.logPartition(), row.logOffset())) {
                return;
            }
            boolean inRange = audited.contains(row.logPartition(), row.logOffset());
            // a second row from the same record is a duplicate (counted by id), not a foreign row
            String earlier = inRange
                    ? rowIdsByPosition.put(position(row.logPartition(), row.logOffset()), row.eventId()) : null;
            if (!inRange || (earlier != null && !earlier.equals(row.eventId()))) {
                outside.add(row.eventId() + "@" + row.logPartition() + ":" + row.logOffset());
            }
        });

        Set<String> logIds = new HashSet<>();
        long[] logRecords = {0};
        long[] invalid = {0};
        KafkaTopicReader.read(kafka, range, READ_TIMEOUT, record -> {
            logRecords[0]++;
            if (record.key() == null || record.value() == null) {
                invalid[0]++;
                return;
            }
            String id = new String(record.key(), StandardCharsets.UTF_8);
            logIds.add(id);
            String rowId = rowIdsByPosition.remove(position(record.partition(), record.offset()));
            if (rowId != null && !rowId.equals(id)) {
                outside.add(rowId + "@" + record.partition() + ":" + record.offset() + " (the log has " + id + ")");
            }
        });
        rowIdsByPosition.forEach((position, id) -> outside.add(id + "@" + (position >>> 40) + ":"
                + (position & ((1L << 40) - 1)) + " (no such record)"));

        Set<String> parked = parkedIds(kafka, dlqTopic, entry, range);
        List<String> missing = new ArrayList<>();
        for (String id : logIds) {
            if (!rowsById.containsKey(id) && !parked.contains(id)) {
                missing.add(id);
            }
        }
        List<String> duplicated = new ArrayList<>();
        rowsById.forEach((id, count) -> {
            if (count > 1) {
                duplicated.add(id);
            }
        });
        return new AuditReport(versions.table(), entry.version(), rangeFrom, range, logRecords[0],
                logIds.size(), invalid[0], parked.size(), rows[0], finding(missing), finding(duplicated),
                finding(outside));
    }

    /**
     * Ids of the range the version's own job dead-lettered: a rebuild from topics.valid redoes dedup, and
     * an event too old to be checked against the remembered ids is parked, not written.
     */
    private static Set<String> parkedIds(KafkaSettings kafka, String dlqTopic, TableVersion entry, LogRange range) {
        Set<String> parked = new HashSet<>();
        if (!"replay".equals(entry.builtBy())) {
            return parked;
        }
        KafkaTopicReader.readAll(kafka, dlqTopic, READ_TIMEOUT, (ConsumerRecord<byte[], byte[]> letter) -> {
            String topic = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC);
            String partition = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_PARTITION);
            String offset = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET);
            if (letter.key() != null && entry.job().equals(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.JOB))
                    && range.topic().equals(topic) && partition != null && offset != null
                    && range.contains(Integer.parseInt(partition), Long.parseLong(offset))) {
                parked.add(new String(letter.key(), StandardCharsets.UTF_8));
            }
        });
        return parked;
    }

    /**
     * A live version records no range: it grows while its job runs. Its files' footers say which
     * offsets they hold; the audit covers from the lowest to the highest, so a file lost from the middle
     * is found, one lost from either end is not.
     */
    private static LogRange rangeOfFiles(List<TableScan.Partition> partitions, String sourceTopic)
            throws IOException {
        Map<Integer, Long> start = new TreeMap<>();
        Map<Integer, Long> end = new TreeMap<>();
        for (TableScan.Partition partition : partitions) {
            for (Path file : partition.files()) {
                LogRange range = FileProvenance.sourceRange(TableFileReader.metadata(file));
                if (range == null) {
                    continue;
                }
                if (!range.topic().equals(sourceTopic)) {
                    throw new IOException(file + " holds rows of " + range.topic() + ", not of " + sourceTopic);
                }
                range.start().forEach((p, offset) -> start.merge(p, offset, Math::min));
                range.end().forEach((p, offset) -> end.merge(p, offset, Math::max));
            }
        }
        return new LogRange(sourceTopic, start, end);
    }

    private static long position(int partition, long offset) {
        return ((long) partition << 40) | offset;
    }

    private static AuditReport.Finding finding(List<String> found) {
        return new AuditReport.Finding(found.size(),
                Stream.of(found.toArray(String[]::new)).sorted().limit(EXAMPLES).toList());
    }
}
