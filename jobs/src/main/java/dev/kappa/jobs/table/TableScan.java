package dev.kappa.jobs.table;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import dev.kappa.common.event.EventFields;

/**
 * Reads a table version's rows with the table's own Parquet reader, partition by partition: the
 * files its catalog snapshot lists ({@link #partitionsOf}), or, while a bounded run is finished, the
 * visible files of its directory (hidden and in-progress names are skipped, as Spark, Trino and Hive
 * skip them).
 */
public final class TableScan {

    private TableScan() {
    }

    /** A row as stored, with the partition directory and file it was found in. */
    public record Row(String partition, String file, String eventId, String eventType, long eventTimeMillis,
            String source, String payload, int logPartition, long logOffset, boolean arrivedLate,
            Map<String, Object> projected) {
    }

    /** What a partition directory holds. */
    public record Partition(String name, List<Path> files, boolean complete) {

        /** A row count that every file's footer carries ({@link FileProvenance#ROWS}, ...), summed. */
        public long sum(String footerCount) throws IOException {
            long total = 0;
            for (Path file : files) {
                total += Long.parseLong(TableFileReader.metadata(file).get(footerCount));
            }
            return total;
        }
    }

    public static List<Partition> partitions(String versionPath) throws IOException {
        Path root = new Path(versionPath);
        FileSystem fs = root.getFileSystem();
        List<Partition> partitions = new ArrayList<>();
        if (!fs.exists(root)) {
            return partitions;
        }
        for (FileStatus day : visible(fs, root)) {
            for (FileStatus hour : visible(fs, day.getPath())) {
                List<Path> files = new ArrayList<>();
                boolean complete = false;
                for (FileStatus file : list(fs, hour.getPath())) {
                    String name = file.getPath().getName();
                    if (name.equals(SuccessMarkers.NAME)) {
                        complete = true;
                    } else if (isVisible(name)) {
                        files.add(file.getPath());
                    }
                }
                files.sort(Comparator.comparing(Path::getName));
                partitions.add(new Partition(day.getPath().getName() + "/" + hour.getPath().getName(), files,
                        complete));
            }
        }
        return partitions;
    }

    /**
     * The partitions of a list of files, such as a version's files in the catalog: grouped by their
     * partition directory, complete where that directory holds a marker.
     */
    public static List<Partition> partitionsOf(List<String> files) throws IOException {
        Map<String, List<Path>> byDirectory = new TreeMap<>();
        for (String file : files) {
            Path path = new Path(file);
            byDirectory.computeIfAbsent(path.getParent().toString(), k -> new ArrayList<>()).add(path);
        }
        List<Partition> partitions = new ArrayList<>();
        for (Map.Entry<String, List<Path>> directory : byDirectory.entrySet()) {
            Path hour = new Path(directory.getKey());
            List<Path> hourFiles = directory.getValue();
            hourFiles.sort(Comparator.comparing(Path::getName));
            Path marker = new Path(hour, SuccessMarkers.NAME);
            partitions.add(new Partition(hour.getParent().getName() + "/" + hour.getName(), hourFiles,
                    marker.getFileSystem().exists(marker)));
        }
        return partitions;
    }

    public static void forEachRow(String versionPath, Consumer<Row> action) throws IOException {
        forEachRow(partitions(versionPath), action);
    }

    public static void forEachRow(List<Partition> partitions, Consumer<Row> action) throws IOException {
        for (Partition partition : partitions) {
            for (Path file : partition.files()) {
                TableFileReader.forEachRecord(file,
                        (schema, record) -> action.accept(row(partition.name(), file.getName(), schema, record)));
            }
        }
    }

    private static Row row(String partition, String file, MessageType schema, Group g) {
        Map<String, Object> projected = new LinkedHashMap<>();
        for (int i = TableSchema.ENVELOPE_COLUMNS; i < schema.getFieldCount(); i++) {
            Type column = schema.getType(i);
            projected.put(column.getName(), g.getFieldRepetitionCount(i) == 0 ? null : value(g, i, column));
        }
        return new Row(partition, file, g.getString(EventFields.EVENT_ID, 0), g.getString(EventFields.EVENT_TYPE, 0),
                TableSchema.toMillis(g.getLong(EventFields.EVENT_TIME, 0), schema.getType(EventFields.EVENT_TIME)),
                optionalString(g, EventFields.SOURCE),
                optionalString(g, EventFields.PAYLOAD), g.getInteger(TableSchema.LOG_PARTITION, 0),
                g.getLong(TableSchema.LOG_OFFSET, 0), g.getBoolean(TableSchema.ARRIVED_LATE, 0), projected);
    }

    private static Object value(Group g, int index, Type column) {
        PrimitiveType.PrimitiveTypeName type = column.asPrimitiveType().getPrimitiveTypeName();
        return switch (type) {
            case BINARY -> g.getString(index, 0);
            case INT64 -> TableSchema.toMillis(g.getLong(index, 0), column);
            case DOUBLE -> g.getDouble(index, 0);
            case BOOLEAN -> g.getBoolean(index, 0);
            default -> throw new IllegalStateException("unexpected column type " + column);
        };
    }

    private static String optionalString(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
    }

    private static List<FileStatus> visible(FileSystem fs, Path directory) throws IOException {
        List<FileStatus> children = new ArrayList<>();
        for (FileStatus child : list(fs, directory)) {
            if (child.isDir() && isVisible(child.getPath().getName())) {
                children.add(child);
            }
        }
        children.sort(Comparator.comparing(status -> status.getPath().getName()));
        return children;
    }

    /**
     * A directory's entries while writers may be renaming files in it: a local listing fails when an
     * entry vanishes between being named and being looked at, so it is taken again.
     */
    private static FileStatus[] list(FileSystem fs, Path directory) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return fs.listStatus(directory);
            } catch (FileNotFoundException e) {
                if (attempt == 10 || !fs.exists(directory)) {
                    throw e;
                }
            }
        }
    }

    /** Hidden (.) and metadata (_) names are skipped by every Hive-style reader. */
    public static boolean isVisible(String name) {
        return !name.startsWith(".") && !name.startsWith("_");
    }
}
