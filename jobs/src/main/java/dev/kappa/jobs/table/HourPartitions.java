package dev.kappa.jobs.table;

import java.time.LocalDate;
import java.util.regex.Pattern;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

/**
 * The table's partitioning: one directory per UTC hour of event time, {@code dt=YYYY-MM-DD/hr=HH},
 * Hive style so that Spark, Trino and DuckDB read dt and hr as columns.
 */
public final class HourPartitions implements BucketAssigner<TableRow, String> {

    public static final long HOUR_MILLIS = 3_600_000L;
    private static final Pattern NAME = Pattern.compile("dt=\\d{4}-\\d{2}-\\d{2}/hr=\\d{2}");

    /** Rows arrive mostly in time order: the last hour's name is reused rather than formatted again. */
    private transient long lastHour = Long.MIN_VALUE;
    private transient String lastName;

    @Override
    public String getBucketId(TableRow row, Context context) {
        return partitionOf(row.logged().event().eventTimeMillis());
    }

    /** The partition of an event time, as {@link #of} but without formatting the same hour again. */
    public String partitionOf(long eventTimeMillis) {
        long hour = Math.floorDiv(eventTimeMillis, HOUR_MILLIS);
        if (hour != lastHour || lastName == null) {
            lastName = name(hour);
            lastHour = hour;
        }
        return lastName;
    }

    /** The first instant after the partition of an event time, in epoch milliseconds. */
    public static long endOf(long eventTimeMillis) {
        return (Math.floorDiv(eventTimeMillis, HOUR_MILLIS) + 1) * HOUR_MILLIS;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    /** The partition of an event time. */
    public static String of(long eventTimeMillis) {
        return name(Math.floorDiv(eventTimeMillis, HOUR_MILLIS));
    }

    /** The first instant after the partition, in epoch milliseconds. */
    public static long end(String partition) {
        if (!NAME.matcher(partition).matches()) {
            throw new IllegalArgumentException("not an hourly partition: " + partition);
        }
        long day = LocalDate.parse(partition.substring(3, 13)).toEpochDay();
        return (day * 24 + Integer.parseInt(partition.substring(17))) * HOUR_MILLIS + HOUR_MILLIS;
    }

    private static String name(long hour) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(hour, 24));
        int hourOfDay = (int) Math.floorMod(hour, 24);
        return "dt=" + day + "/hr=" + (hourOfDay < 10 ? "0" : "") + hourOfDay;
    }
}
