package dev.kappa.jobs.columnar;

import java.time.Duration;
import java.util.List;

import org.apache.flink.configuration.MemorySize;

import dev.kappa.common.config.ConfigOption;
import dev.kappa.common.kafka.StartingPosition;
import dev.kappa.jobs.table.Compression;

/**
 * Settings of the columnar-conversion job: where it starts reading, which version it writes, how its
 * files are encoded, rolled and compacted, and when partitions are complete.
 */
public final class ColumnarOptions {

    public static final ConfigOption<StartingPosition> START = ConfigOption.key("columnar.start")
            .enumType(StartingPosition.class).defaultValue(StartingPosition.COMMITTED)
            .withDescription("Where to start reading topics.unique without a checkpoint/savepoint: the consumer "
                    + "group's committed offsets (earliest if none), earliest or latest.");

    public static final ConfigOption<Integer> VERSION = ConfigOption.key("columnar.version")
            .intType().defaultValue(1)
            .withDescription("Table version to write (the v<N> directory). A replay writes a new version next to "
                    + "the published one.");

    public static final ConfigOption<Compression> COMPRESSION = ConfigOption.key("columnar.compression")
            .enumType(Compression.class).defaultValue(Compression.ZSTD)
            .withDescription("Parquet compression codec: zstd, snappy, gzip or none.");

    public static final ConfigOption<MemorySize> ROW_GROUP_SIZE = ConfigOption.key("columnar.row-group-size")
            .memoryType().defaultValue(MemorySize.parse("128mb"))
            .withDescription("Parquet row group size. An open file buffers its rows until this size or the next "
                    + "checkpoint, so memory is bounded by what arrives in one checkpoint interval.");

    public static final ConfigOption<MemorySize> PAGE_SIZE = ConfigOption.key("columnar.page-size")
            .memoryType().defaultValue(MemorySize.parse("1mb"))
            .withDescription("Parquet page size.");

    public static final ConfigOption<MemorySize> TARGET_FILE_SIZE = ConfigOption.key("columnar.target-file-size")
            .memoryType().defaultValue(MemorySize.parse("128mb"))
            .withDescription("Files rolled at each checkpoint are compacted into files of about this size before "
                    + "they become visible; an open file also rolls at this size.");

    public static final ConfigOption<Integer> COMPACT_AFTER_CHECKPOINTS = ConfigOption.key(
                    "columnar.compact-after-checkpoints")
            .intType().defaultValue(6)
            .withDescription("A partition's files are compacted once they reach the target size or after this "
                    + "many checkpoints, whichever comes first: rows become visible within about this many "
                    + "checkpoints (plus one). 0 turns compaction off: one visible file per partition, subtask "
                    + "and checkpoint.");

    public static final ConfigOption<Duration> COMMIT_DELAY = ConfigOption.key("columnar.commit-delay")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("A partition gets its _SUCCESS marker once the watermark has passed its end plus "
                    + "this delay and all its rows are in visible files. Rows arriving later are still written "
                    + "to it and counted as late.");

    private ColumnarOptions() {
    }

    public static List<ConfigOption<?>> all() {
        return List.of(START, VERSION, COMPRESSION, ROW_GROUP_SIZE, PAGE_SIZE,
                TARGET_FILE_SIZE, COMPACT_AFTER_CHECKPOINTS, COMMIT_DELAY);
    }

}
