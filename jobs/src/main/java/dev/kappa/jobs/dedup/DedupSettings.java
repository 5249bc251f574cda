package dev.kappa.jobs.dedup;

import java.io.Serializable;
import java.time.Duration;

import org.apache.flink.util.TimeUtils;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;

/** The part of the configuration the deduplicator needs on the task managers. */
public record DedupSettings(Duration retention, DedupOptions.TooLate tooLate) implements Serializable {

    public DedupSettings {
        if (retention.isNegative() || retention.isZero()) {
            throw new ConfigException(DedupOptions.RETENTION.key() + " must be positive, got "
                    + TimeUtils.formatWithHighestUnit(retention));
        }
    }

    public static DedupSettings from(KappaConfig config) {
        return new DedupSettings(config.get(DedupOptions.RETENTION), config.get(DedupOptions.TOO_LATE));
    }
}
