package dev.kappa.jobs.dedup;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.util.TimeUtils;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;

/** The part of the configuration the deduplicator needs on the task managers. */
public record DedupSettings(Duration retention, DedupOptions.TooLate tooLate, Duration outOfOrderness,
        Duration idleTimeout) implements Serializable {

    public DedupSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new ConfigException(DedupOptions.RETENTION.key() + " must be positive, got "
                    + TimeUtils.formatWithHighestUnit(retention));
        }
        if (outOfOrderness.isNegative()) {
            throw new ConfigException(DedupOptions.OUT_OF_ORDERNESS.key() + " must not be negative");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new ConfigException(DedupOptions.IDLE_TIMEOUT.key() + " must be positive, got "
                    + TimeUtils.formatWithHighestUnit(idleTimeout));
        }
    }

    public static DedupSettings from(KappaConfig config) {
        return new DedupSettings(config.get(DedupOptions.RETENTION), config.get(DedupOptions.TOO_LATE),
                config.get(DedupOptions.OUT_OF_ORDERNESS), config.get(DedupOptions.IDLE_TIMEOUT));
    }
}
