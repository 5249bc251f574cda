package dev.kappa.jobs.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.CanonicalEvent;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.flink.LogWatermarks;
import dev.kappa.common.metrics.Tally;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.jobs.cli.TestConfigs;
import dev.kappa.jobs.table.FileProvenance;
import dev.kappa.jobs.table.IcebergReads;
import dev.kappa.jobs.table.TableFileReader;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionWriter;

/** The columnar workflow on a MiniCluster with an in-memory log: what lands in the table, and where. */
class ColumnarWorkflowITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    @TempDir
    Path tmp;

    @Test
    void everyEventLandsOnceInItsHourWithTypedColumnsAndCompletePartitionsAreMarked() throws Exception {
        Path warehouse = tmp.resolve("warehouse");
        KappaConfig config = TestConfigs.columnar("unused", warehouse, tmp, "columnar.fields.amount=double",
                "columnar.fields.user_id=string", "columnar.fields.clicks=long", "columnar.commit-delay=0s",
                "columnar.compact-after-checkpoints=2");
        ColumnarSettings configured = ColumnarSettings.from(config);
        TableVersions versions = TableVersions.open(configured.catalog(), configured.table());
        ColumnarSettings settings = ColumnarJob.registerVersion(versions, configured, "columnar-workflow",
                "events.unique");
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        List<LoggedEvent> log = new ArrayList<>();
        for (int i = 0; i < 6050; i++) {
            // 5 hours in order, then 50 events of the first hour, which has long been closed by then
            Instant time = i < 6000 ? start.plusSeconds(i * 3L) : start.plusSeconds(i - 6000);
            String json = "{\"event_id\":\"id-" + i + "\",\"event_type\":\"click\",\"event_time\":\"" + time
                    + "\",\"source\":\"web\",\"payload\":{\"user_id\":\"u-" + (i % 7) + "\",\"amount\":" + (i / 4.0)
                    + ",\"clicks\":" + (i % 2 == 0 ? i : "\"many\"") + ",\"nested\":{\"a\":[1,2]}}}";
            log.add(new LoggedEvent(new CanonicalEvent("id-" + i, time.toEpochMilli(),
                    json.getBytes(StandardCharsets.UTF_8)), "events.unique", i % 2, i / 2));
        }
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        ColumnarJob.define(env.fromData(log, TypeInformation.of(LoggedEvent.class)).uid("test-log")
                .assignTimestampsAndWatermarks(new LogWatermarks(Duration.ZERO, Duration.ofMinutes(1)).strategy())
                .uid("test-watermarks"), settings);
        JobExecutionResult result = env.execute("columnar-workflow");
        ColumnarJob.recordBoundedRun(versions, settings.version());

        // Iceberg's own reader, by the table's name: every row, and a time filter that file metrics
        // could prune wrongly if the stored unit were not the one Iceberg reads
        Table table = versions.iceberg();
        assertThat(IcebergReads.published(table)).hasSize(6050);
        OffsetDateTime second = OffsetDateTime.parse("2026-03-01T02:00:00Z");
        List<Record> fromThirdHour = IcebergReads.rows(table, table.currentSnapshot().snapshotId(), table.schema(),
                Expressions.greaterThanOrEqual("event_time", second.toInstant().toEpochMilli() * 1000));
        assertThat(fromThirdHour).hasSize(3600)
                .allMatch(r -> !((OffsetDateTime) r.getField("event_time")).isBefore(second));
        Record icebergRow = IcebergReads.published(table).stream().filter(r -> r.getField("event_id").equals("id-1201"))
                .findFirst().orElseThrow();
        assertThat(icebergRow.getField("amount")).isEqualTo(300.25);
        assertThat(icebergRow.getField("user_id")).isEqualTo("u-4");
        assertThat(icebergRow.getField("event_time")).isEqualTo(OffsetDateTime.parse("2026-03-01T01:00:03Z"));
        assertThat(versions.require(1).rows()).isEqualTo(6050);
        assertThat(table.currentSnapshot().summary().get(VersionWriter.COMPLETED_PARTITIONS)).isNotNull();

        Map<String, TableScan.Row> rows = new HashMap<>();
        List<TableScan.Partition> partitions = TableScan.partitionsOf(versions.files(settings.version()));
        TableScan.forEachRow(partitions, row -> assertThat(rows.put(row.eventId(), row)).isNull());
        assertThat(rows).hasSize(6050);
        assertThat(rows.values()).filteredOn(TableScan.Row::arrivedLate).extracting(TableScan.Row::eventId)
                .containsExactlyInAnyOrderElementsOf(IntStream.range(6000, 6050).mapToObj(i -> "id-" + i).toList())
                .allMatch(id -> rows.get(id).partition().equals("dt=2026-03-01/hr=00"));
        assertThat(Tally.total(result, "columnar_late_rows")).isEqualTo(50);
        assertThat(Tally.total(result, "columnar_rows")).isEqualTo(6050);
        TableScan.Row row = rows.get("id-1201");
        assertThat(row.partition()).isEqualTo("dt=2026-03-01/hr=01");
        assertThat(row.eventTimeMillis()).isEqualTo(start.plusSeconds(3603).toEpochMilli());
        assertThat(row.payload()).startsWith("{\"user_id\":\"u-4\"").endsWith("\"nested\":{\"a\":[1,2]}}");
        assertThat(row.projected()).containsEntry("amount", 300.25).containsEntry("user_id", "u-4")
                .containsEntry("clicks", null);
        assertThat(rows.get("id-1200").projected()).containsEntry("clicks", 1200L);
        assertThat(row.logPartition()).isEqualTo(1);
        assertThat(row.logOffset()).isEqualTo(600);
        assertThat(partitions).hasSize(5).allMatch(TableScan.Partition::complete);
        long mismatches = 0;
        long onTime = 0;
        for (TableScan.Partition partition : partitions) {
            for (org.apache.flink.core.fs.Path file : partition.files()) {
                Map<String, String> metadata = TableFileReader.metadata(file);
                mismatches += Long.parseLong(metadata.get(FileProvenance.FIELD_MISMATCHES));
                onTime += Long.parseLong(metadata.get(FileProvenance.ON_TIME_ROWS));
                assertThat(metadata).containsEntry(FileProvenance.TABLE, "events")
                        .containsEntry(FileProvenance.TABLE_VERSION, "1")
                        .containsEntry(FileProvenance.SOURCE_TOPIC, "events.unique");
            }
        }
        assertThat(mismatches).as("odd rows carry clicks as a string").isEqualTo(3025);
        assertThat(onTime).isEqualTo(6000);
        versions.close();
    }
}
