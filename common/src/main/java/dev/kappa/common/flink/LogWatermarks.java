package dev.kappa.common.flink;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.LoggedEvent;

/**
 * How every job that reads the canonical log tracks event time, so that dedup expiry and
 * columnar partition commits agree on when an hour is over.
 */
public record LogWatermarks(Duration outOfOrderness, Duration idleTimeout) implements Serializable {

    public LogWatermarks {
        if (outOfOrderness.isNegative()) {
            throw new ConfigException(CommonOptions.OUT_OF_ORDERNESS.key() + " must not be negative");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ConfigException(CommonOptions.IDLE_TIMEOUT.key() + " must be positive, got "
                    + TimeUtils.formatWithHighestUnit(idleTimeout));
        }
    }

    public static LogWatermarks from(KappaConfig config) {
        return new LogWatermarks(config.get(CommonOptions.OUT_OF_ORDERNESS), config.get(CommonOptions.IDLE_TIMEOUT));
    }

    /**
     * Watermarks per source partition (a Kafka source applies the strategy to each split), trailing
     * the newest event time by the allowed out-of-orderness ({@link MinuteWatermarks}); an idle
     * partition stops holding them back.
     * The log record's timestamp is the event time, so nothing is parsed for it.
     */
    public WatermarkStrategy<LoggedEvent> strategy() {
        return WatermarkStrategy.<LoggedEvent>forGenerator(context -> new MinuteWatermarks<>(outOfOrderness))
                .withTimestampAssigner((logged, kafkaTimestamp) -> logged.event().eventTimeMillis())
                .withIdleness(idleTimeout);
    }

    /**
     * The log read from {@code source} with these watermarks, under {@code uid}; its watermark is
     * checkpointed right after the source ({@link CheckpointedWatermarks}, uid {@code uid + "-watermark"}),
     * so a restored job resumes event time where it was instead of at its minimum.
     */
    public DataStream<LoggedEvent> read(StreamExecutionEnvironment env, Source<LoggedEvent, ?, ?> source,
            String name, String uid) {
        SingleOutputStreamOperator<LoggedEvent> read = env.fromSource(source, strategy(), name).uid(uid);
        return read.transform("resume event time", read.getType(), new CheckpointedWatermarks<LoggedEvent>())
                .uid(uid + "-watermark").setParallelism(read.getParallelism());
    }
}
