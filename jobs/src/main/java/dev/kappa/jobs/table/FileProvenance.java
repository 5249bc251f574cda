package dev.kappa.jobs.table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.kappa.common.kafka.LogRange;

/**
 * What a Parquet file holds, kept in its footer's key-value metadata so that any row can be traced
 * to the log and a partition's completeness checked without reading the rows: per log partition
 * the lowest and highest offset in the file, row counts, and the table version it belongs to.
 */
public final class FileProvenance {

    public static final String TABLE = "kappa.table";
    public static final String TABLE_VERSION = "kappa.table.version";
    public static final String SOURCE_TOPIC = "kappa.source.topic";
    /** {@code <partition>:<lowest offset>-<highest offset>}, comma-separated, by partition. */
    public static final String SOURCE_OFFSETS = "kappa.source.offsets";
    public static final String ROWS = "kappa.rows";
    /** Rows that arrived before their partition was closed; the committer waits for exactly these. */
    public static final String ON_TIME_ROWS = "kappa.rows.on_time";
    public static final String FIELD_MISMATCHES = "kappa.rows.field_mismatches";

    private final String table;
    private final int version;
    private final TreeMap<Integer, long[]> offsets = new TreeMap<>();
    private String topic;
    private long rows;
    private long onTimeRows;
    private long fieldMismatches;

    public FileProvenance(String table, int version) {
        this.table = table;
        this.version = version;
    }

    public void addRow(String sourceTopic, int partition, long offset, boolean late, int mismatches) {
        addOffset(sourceTopic, partition, offset);
        rows++;
        if (!late) {
            onTimeRows++;
        }
        fieldMismatches += mismatches;
    }

    private void addOffset(String sourceTopic, int partition, long offset) {
        if (topic == null) {
            topic = sourceTopic;
        } else if (!topic.equals(sourceTopic)) {
            throw new IllegalStateException("one table file mixes topics " + topic + " and " + sourceTopic);
        }
        long[] range = offsets.get(partition);
        if (range == null) {
            offsets.put(partition, new long[] {offset, offset});
        } else {
            range[0] = Math.min(range[0], offset);
            range[1] = Math.max(range[1], offset);
        }
    }

    /** The stretch of the log a file's rows came from (end exclusive), read back from its footer; null if empty. */
    public static LogRange sourceRange(Map<String, String> metadata) {
        String topic = metadata.get(SOURCE_TOPIC);
        String ranges = metadata.get(SOURCE_OFFSETS);
        if (topic == null || ranges == null || ranges.isEmpty()) {
            return null;
        }
        Map<Integer, Long> start = new TreeMap<>();
        Map<Integer, Long> end = new TreeMap<>();
        for (String range : ranges.split(",")) {
            int colon = range.indexOf(':');
            int dash = range.indexOf('-', colon);
            int partition = Integer.parseInt(range.substring(0, colon));
            start.put(partition, Long.parseLong(range.substring(colon + 1, dash)));
            end.put(partition, Long.parseLong(range.substring(dash + 1)) + 1);
        }
        return new LogRange(topic, start, end);
    }

    /**
     * The provenance of a file made of whole files (compaction copying their row groups): counts
     * summed, each log partition's offsets spanning all of theirs.
     */
    public static Map<String, String> combine(List<Map<String, String>> files) {
        Map<String, String> first = files.get(0);
        FileProvenance combined = new FileProvenance(first.get(TABLE), Integer.parseInt(first.get(TABLE_VERSION)));
        for (Map<String, String> file : files) {
            LogRange range = sourceRange(file);
            if (range != null) {
                range.start().forEach((partition, start) -> {
                    combined.addOffset(range.topic(), partition, start);
                    combined.addOffset(range.topic(), partition, range.end().get(partition) - 1);
                });
            }
            combined.rows += Long.parseLong(file.get(ROWS));
            combined.onTimeRows += Long.parseLong(file.get(ON_TIME_ROWS));
            combined.fieldMismatches += Long.parseLong(file.get(FIELD_MISMATCHES));
        }
        return combined.toMetadata();
    }

    public Map<String, String> toMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(TABLE, table);
        metadata.put(TABLE_VERSION, Integer.toString(version));
        if (topic != null) {
            metadata.put(SOURCE_TOPIC, topic);
        }
        StringBuilder ranges = new StringBuilder();
        offsets.forEach((partition, range) -> {
            if (ranges.length() > 0) {
                ranges.append(',');
            }
            ranges.append(partition).append(':').append(range[0]).append('-').append(range[1]);
        });
        metadata.put(SOURCE_OFFSETS, ranges.toString());
        metadata.put(ROWS, Long.toString(rows));
        metadata.put(ON_TIME_ROWS, Long.toString(onTimeRows));
        metadata.put(FIELD_MISMATCHES, Long.toString(fieldMismatches));
        return metadata;
    }
}
