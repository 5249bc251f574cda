package dev.kappa.jobs.table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

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
 * that carries its id. Its memory does not grow with the range: ids and row positions are sorted
 * in runs on temporary disk (about 3 × (id length + 10) bytes per event) and merged.
 */
public final class TableAudit {

    private static final int EXAMPLES = 20;
    /** Entries per sorted run: a few tens of MB of heap for each of the four sorts. */
    private static final int RUN_SIZE = 200_000;
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
        java.nio.file.Path spill = Files.createTempDirectory("kappa-audit-");
        try (SpillingSorter rowIds = new SpillingSorter(SpillingSorter.BY_ID, RUN_SIZE, spill);
                SpillingSorter rowPositions = new SpillingSorter(SpillingSorter.BY_POSITION, RUN_SIZE, spill);
                SpillingSorter logIds = new SpillingSorter(SpillingSorter.BY_ID, RUN_SIZE, spill);
                SpillingSorter parked = new SpillingSorter(SpillingSorter.BY_ID, RUN_SIZE, spill)) {
            Examples notInLog = new Examples();
            TableScan.forEachRow(partitions, row -> {
                rowIds.add(row.eventId(), 0);
                if (rowsMayGoOn && range.isPast(row.logPartition(), row.logOffset())) {
                    return;
                }
                if (range.contains(row.logPartition(), row.logOffset())) {
                    rowPositions.add(row.eventId(), position(row.logPartition(), row.logOffset()));
                } else {
                    notInLog.add(row.eventId() + "@" + row.logPartition() + ":" + row.logOffset());
                }
            });
            LogPass log = new LogPass(rowPositions.sorted(), logIds, notInLog);
            // partition by partition, so that records come in the order of the rows sorted by position
            for (Map.Entry<Integer, Long> start : range.start().entrySet()) {
                LogRange one = new LogRange(range.topic(), Map.of(start.getKey(), start.getValue()),
                        Map.of(start.getKey(), range.end().get(start.getKey())));
                KafkaTopicReader.read(kafka, one, READ_TIMEOUT, log::record);
            }
            log.rowsLeft();
            parkedIds(kafka, dlqTopic, entry, range, parked);

            Examples missing = new Examples();
            Examples duplicated = new Examples();
            Distinct rows = new Distinct(rowIds.sorted(), duplicated);
            Distinct letters = new Distinct(parked.sorted(), null);
            Distinct ids = new Distinct(logIds.sorted(), null);
            while (ids.next()) {
                if (!rows.advanceTo(ids.current()) && !letters.advanceTo(ids.current())) {
                    missing.add(ids.current());
                }
            }
            rows.drain();
            letters.drain();
            return new AuditReport(versions.table(), entry.version(), rangeFrom, range, log.records, ids.count(),
                    log.invalid, letters.count(), rowIds.size(), missing.finding(), duplicated.finding(),
                    notInLog.finding());
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    /**
     * Walks the log's records, per partition in offset order, beside the rows sorted by log position:
     * a row at a position the log has no record for, or whose record carries another id, is not in
     * the log. Collects the log's ids as it goes.
     */
    private static final class LogPass {
        private final Iterator<SpillingSorter.Entry> rows;
        private final SpillingSorter logIds;
        private final Examples notInLog;
        private SpillingSorter.Entry row;
        private long records;
        private long invalid;

        LogPass(Iterator<SpillingSorter.Entry> rows, SpillingSorter logIds, Examples notInLog) {
            this.rows = rows;
            this.logIds = logIds;
            this.notInLog = notInLog;
            this.row = rows.hasNext() ? rows.next() : null;
        }

        void record(ConsumerRecord<byte[], byte[]> record) {
            records++;
            long at = position(record.partition(), record.offset());
            while (row != null && row.position() < at) {
                notInLog.add(describe(row) + " (no such record)");
                row = rows.hasNext() ? rows.next() : null;
            }
            String id = record.key() == null || record.value() == null ? null
                    : new String(record.key(), StandardCharsets.UTF_8);
            if (id == null) {
                invalid++;
            } else {
                logIds.add(id, 0);
            }
            while (row != null && row.position() == at) {
                if (id == null) {
                    notInLog.add(describe(row) + " (no such record)");
                } else if (!row.id().equals(id)) {
                    // a second row from the same record is a duplicate (counted by id), not a foreign row
                    notInLog.add(describe(row) + " (the log has " + id + ")");
                }
                row = rows.hasNext() ? rows.next() : null;
            }
        }

        void rowsLeft() {
            while (row != null) {
                notInLog.add(describe(row) + " (no such record)");
                row = rows.hasNext() ? rows.next() : null;
            }
        }

        private static String describe(SpillingSorter.Entry row) {
            return row.id() + "@" + (row.position() >>> 40) + ":" + (row.position() & ((1L << 40) - 1));
        }
    }

    /**
     * The distinct ids of a stream sorted by id, for a merge: counts them, and reports those seen more
     * than once to {@code repeated}, if given.
     */
    private static final class Distinct {
        private final Iterator<SpillingSorter.Entry> sorted;
        private final Examples repeated;
        private String pending;
        private String current;
        private long count;

        Distinct(Iterator<SpillingSorter.Entry> sorted, Examples repeated) {
            this.sorted = sorted;
            this.repeated = repeated;
            this.pending = sorted.hasNext() ? sorted.next().id() : null;
        }

        boolean next() {
            if (pending == null) {
                return false;
            }
            current = pending;
            count++;
            boolean again = false;
            pending = null;
            while (sorted.hasNext()) {
                String id = sorted.next().id();
                if (!id.equals(current)) {
                    pending = id;
                    break;
                }
                again = true;
            }
            if (again && repeated != null) {
                repeated.add(current);
            }
            return true;
        }

        String current() {
            return current;
        }

        /** True if {@code id} is among the ids; moves past the ids before it. */
        boolean advanceTo(String id) {
            while (current == null || current.compareTo(id) < 0) {
                if (!next()) {
                    return false;
                }
            }
            return current.equals(id);
        }

        void drain() {
            while (next()) {
                // counting and reporting repeats is all that is left
            }
        }

        long count() {
            return count;
        }
    }

    /** How many, and the first few by name: bounded, however many are found. */
    private static final class Examples {
        private final TreeSet<String> first = new TreeSet<>();
        private long count;

        void add(String example) {
            count++;
            first.add(example);
            if (first.size() > EXAMPLES) {
                first.pollLast();
            }
        }

        AuditReport.Finding finding() {
            return new AuditReport.Finding(count, List.copyOf(first));
        }
    }

    /**
     * Ids of the range the version's own job dead-lettered: a rebuild from topics.valid redoes dedup, and
     * an event too old to be checked against the remembered ids is parked, not written.
     */
    private static void parkedIds(KafkaSettings kafka, String dlqTopic, TableVersion entry, LogRange range,
            SpillingSorter parked) {
        if (!"replay".equals(entry.builtBy())) {
            return;
        }
        KafkaTopicReader.readAll(kafka, dlqTopic, READ_TIMEOUT, (ConsumerRecord<byte[], byte[]> letter) -> {
            String topic = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC);
            String partition = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_PARTITION);
            String offset = DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET);
            if (letter.key() != null && entry.job().equals(DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.JOB))
                    && range.topic().equals(topic) && partition != null && offset != null
                    && range.contains(Integer.parseInt(partition), Long.parseLong(offset))) {
                parked.add(new String(letter.key(), StandardCharsets.UTF_8), 0);
            }
        });
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
}
