package dev.kappa.jobs.columnar;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.LogWatermarks;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.table.TableVersions;

/**
 * A backlog whose events scatter over {@code hours} hourly partitions, written by the columnar
 * workflow on a local MiniCluster in this JVM: run in a child JVM with a small heap by
 * {@link ColumnarMemoryITCase}. Args: warehouse dir, checkpoint dir, events, hours, extra settings.
 */
public final class ManyPartitionsRun {

    private ManyPartitionsRun() {
    }

    public static void main(String[] args) throws Exception {
        Path warehouse = Path.of(args[0]);
        long events = Long.parseLong(args[2]);
        int hours = Integer.parseInt(args[3]);
        List<String> settings = new java.util.ArrayList<>(List.of("job.parallelism=1", "checkpoint.interval=2s",
                "checkpoint.dir=" + Path.of(args[1]).toUri(), "columnar.warehouse=" + warehouse.toUri(),
                "columnar.compact-after-checkpoints=0", "columnar.fields.amount=double"));
        settings.addAll(List.of(args).subList(4, args.length));
        KappaConfig config = KappaConfig.load(null, settings, AllOptions.list());
        ColumnarSettings columnar;
        try (TableVersions versions = TableVersions.open(ColumnarSettings.from(config).catalog(), "events")) {
            columnar = ColumnarJob.registerVersion(versions, ColumnarSettings.from(config), "many-partitions",
                    "events.unique");
        }
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        ColumnarJob.define(env.fromSequence(0, events - 1).uid("sequence")
                .map(new ScatteredEvent(hours)).uid("scatter").returns(TypeInformation.of(LoggedEvent.class))
                // nothing closes while the backlog is written: every partition stays open to the end
                .assignTimestampsAndWatermarks(new LogWatermarks(Duration.ofDays(365), Duration.ofDays(1)).strategy())
                .uid("watermarks"), columnar);
        env.execute("many-partitions");
        System.out.println("rows written to " + columnar.versionPath());
    }

    /** Event {@code i} lands in hour {@code i * 7919 mod hours}: consecutive events hit different partitions. */
    private record ScatteredEvent(int hours) implements MapFunction<Long, LoggedEvent> {

        private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

        @Override
        public LoggedEvent map(Long i) {
            long time = START + (i * 7919 % hours) * 3_600_000L + (i % 3_600) * 1_000L;
            String id = "e-" + i;
            String json = "{\"event_id\":\"" + id + "\",\"event_type\":\"view\",\"event_time\":\""
                    + java.time.Instant.ofEpochMilli(time) + "\",\"source\":\"load\",\"payload\":{\"amount\":" + i
                    + ",\"url\":\"https://shop.example/p/" + (i * 31 % 50_000) + "\",\"session\":\""
                    + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "\"}}";
            return new LoggedEvent(new CanonicalEvent(id, time, json.getBytes(StandardCharsets.UTF_8)),
                    "events.unique", (int) (i % 2), i / 2);
        }
    }
}
