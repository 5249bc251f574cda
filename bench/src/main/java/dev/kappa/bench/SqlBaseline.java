package dev.kappa.bench;

import java.time.Duration;
import java.util.stream.Collectors;

import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.kafka.EventTimeHeader;
import dev.kappa.common.kafka.KafkaConnectors;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.jobs.columnar.ColumnarOptions;
import dev.kappa.jobs.dedup.DedupOptions;

/**
 * What a user would write instead of the dedup and columnar jobs: the same stages in Flink SQL, with
 * the same guarantees, checkpointing and parallelism (from the same config), on the same topics.
 * Keep-first dedup is {@code ROW_NUMBER()} over the event id with state TTL as the retention; the
 * table is the filesystem connector's Parquet (same codec), partitioned by event-time hour, with
 * success files once the watermark passes a partition.
 */
final class SqlBaseline {

    private final KappaConfig config;
    private final KafkaSettings kafka;

    SqlBaseline(KappaConfig config) {
        this.config = config;
        this.kafka = KafkaSettings.from(config);
    }

    /** Submits keep-first dedup from {@code input} to {@code output}, exactly-once; bounded or not. */
    JobClient dedup(String input, String output, String name, boolean bounded) {
        StreamTableEnvironment tables = tables(name);
        tables.getConfig().set("table.exec.state.ttl", config.get(DedupOptions.RETENTION).toMillis() + " ms");
        tables.executeSql("CREATE TABLE valid_log (event_id STRING, event_type STRING, event_time STRING, "
                + "source STRING, payload STRING, proc AS PROCTIME()) WITH (" + kafkaSource(input, name, bounded)
                + ", 'format' = 'json')");
        tables.executeSql("CREATE TABLE unique_log (event_id STRING, event_type STRING, event_time STRING, "
                + "source STRING, payload STRING) WITH (" + kafkaSink(output, name)
                + ", 'key.format' = 'raw', 'key.fields' = 'event_id', 'value.format' = 'json')");
        return submit(tables, "INSERT INTO unique_log SELECT event_id, event_type, event_time, source, payload FROM ("
                + "SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proc ASC) AS row_num FROM valid_log) "
                + "WHERE row_num = 1");
    }

    /** Submits {@code input} → Parquet under {@code path}, partitioned dt/hr, bounded. */
    JobClient columnar(String input, String path, String name) {
        StreamTableEnvironment tables = tables(name);
        Duration outOfOrder = config.get(CommonOptions.OUT_OF_ORDERNESS);
        tables.executeSql("CREATE TABLE unique_log (event_id STRING, event_type STRING, event_time STRING, "
                + "source STRING, payload STRING, "
                + "log_partition INT METADATA FROM 'partition' VIRTUAL, "
                + "log_offset BIGINT METADATA FROM 'offset' VIRTUAL, "
                + "headers MAP<STRING, BYTES> METADATA VIRTUAL, "
                + "ts AS TO_TIMESTAMP_LTZ(CAST(CAST(headers['" + EventTimeHeader.NAME + "'] AS STRING) AS BIGINT), 3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '" + outOfOrder.toSeconds() + "' SECOND) WITH ("
                + kafkaSource(input, name, true) + ", 'format' = 'json')");
        tables.executeSql("CREATE TABLE events_table (event_id STRING, event_type STRING, event_time TIMESTAMP(3), "
                + "source STRING, payload STRING, log_partition INT, log_offset BIGINT, user_id STRING, "
                + "amount DOUBLE, dt STRING, hr STRING) PARTITIONED BY (dt, hr) WITH ("
                + "'connector' = 'filesystem', 'path' = '" + path + "', 'format' = 'parquet', "
                + "'parquet.compression' = '" + config.get(ColumnarOptions.COMPRESSION).name() + "', "
                + "'sink.rolling-policy.file-size' = '128MB', "
                + "'sink.partition-commit.trigger' = 'partition-time', "
                + "'partition.time-extractor.timestamp-pattern' = '$dt $hr:00:00', "
                // partition time is the hour's start; ours commits the hour's end plus the commit delay
                + "'sink.partition-commit.delay' = '"
                + Duration.ofHours(1).plus(config.get(ColumnarOptions.COMMIT_DELAY)).toSeconds() + " s', "
                + "'sink.partition-commit.watermark-time-zone' = 'UTC', "
                + "'sink.partition-commit.policy.kind' = 'success-file')");
        return submit(tables, "INSERT INTO events_table SELECT event_id, event_type, CAST(ts AS TIMESTAMP(3)), source, "
                + "payload, log_partition, log_offset, JSON_VALUE(payload, '$.user_id'), "
                + "JSON_VALUE(payload, '$.amount' RETURNING DOUBLE), DATE_FORMAT(ts, 'yyyy-MM-dd'), "
                + "DATE_FORMAT(ts, 'HH') FROM unique_log");
    }

    private StreamTableEnvironment tables(String name) {
        // The planner names its operators itself; the uid discipline is the jobs' own.
        StreamExecutionEnvironment env = FlinkEnvironments.create(config.with(
                "checkpoint.dir=" + config.get(CommonOptions.CHECKPOINT_DIR) + "/" + name,
                "flink." + PipelineOptions.AUTO_GENERATE_UIDS.key() + "=true",
                "flink." + PipelineOptions.NAME.key() + "=" + name));
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("table.local-time-zone", "UTC");
        return tables;
    }

    private static JobClient submit(StreamTableEnvironment tables, String insert) {
        TableResult result = tables.executeSql(insert);
        return result.getJobClient().orElseThrow(() -> new IllegalStateException("no job for " + insert));
    }

    private String kafkaSource(String topic, String group, boolean bounded) {
        return "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '"
                + kafka.bootstrapServers() + "', 'properties.group.id' = '" + group + "', "
                + "'properties.isolation.level' = 'read_committed', 'scan.startup.mode' = 'earliest-offset'"
                + (bounded ? ", 'scan.bounded.mode' = 'latest-offset'" : "");
    }

    /** The producer settings of the jobs' own sinks (KafkaConnectors), so the sinks differ only in code. */
    private String kafkaSink(String topic, String name) {
        return "'connector' = 'kafka', 'topic' = '" + topic + "', 'properties.bootstrap.servers' = '"
                + kafka.bootstrapServers() + "', 'sink.delivery-guarantee' = 'exactly-once', "
                + "'sink.transactional-id-prefix' = '" + name + "', "
                + "'properties.transaction.timeout.ms' = '" + kafka.transactionTimeout().toMillis() + "'"
                + KafkaConnectors.SINK_PRODUCER.entrySet().stream()
                        .map(setting -> ", 'properties." + setting.getKey() + "' = '" + setting.getValue() + "'")
                        .collect(Collectors.joining());
    }
}
