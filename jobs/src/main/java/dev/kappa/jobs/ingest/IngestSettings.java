package dev.kappa.jobs.ingest;

import java.io.Serializable;
import java.util.List;

import com.fasterxml.jackson.core.StreamWriteConstraints;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.ParsePolicy;
import dev.kappa.common.kafka.KafkaAdmin;

/**
 * The part of the configuration the normalizer needs on the task managers.
 *
 * @param validRecordLimit the largest record (key, value and headers) the canonical topic takes
 * @param deadLetterLimit the largest record the dead-letter topic takes
 */
public record IngestSettings(ParsePolicy policy, IngestOptions.MissingId missingId, List<String> piiFields,
        String piiKey, ClaimCheckStore claimChecks, int validRecordLimit, int deadLetterLimit)
        implements Serializable {

    public IngestSettings {
        if (policy.maxDepth() < 1 || policy.maxDepth() > StreamWriteConstraints.DEFAULT_MAX_DEPTH) {
            throw new ConfigException(IngestOptions.MAX_DEPTH.key() + " is " + policy.maxDepth() + "; it must be 1 to "
                    + StreamWriteConstraints.DEFAULT_MAX_DEPTH + ", the deepest the canonical JSON writer goes");
        }
        piiFields = List.copyOf(piiFields);
        for (String field : piiFields) {
            if (!field.equals("source") && !(field.startsWith("payload.") && field.length() > "payload.".length())) {
                throw new ConfigException("invalid entry '" + field + "' in " + IngestOptions.PII_FIELDS.key()
                        + ": expected 'source' or a payload path such as payload.user.email");
            }
        }
        if (!piiFields.isEmpty() && (piiKey == null || piiKey.length() < 16)) {
            throw new ConfigException(IngestOptions.PII_KEY.key() + " must be set (at least 16 characters) when "
                    + IngestOptions.PII_FIELDS.key() + " lists fields");
        }
    }

    public static IngestSettings from(KappaConfig config) {
        ParsePolicy policy = new ParsePolicy(
                (int) Math.min(Integer.MAX_VALUE, config.get(IngestOptions.MAX_RECORD_BYTES).getBytes()),
                config.get(IngestOptions.MAX_DEPTH),
                config.get(IngestOptions.UNKNOWN_FIELDS),
                config.get(IngestOptions.MIN_EVENT_TIME),
                config.get(IngestOptions.MAX_FUTURE_SKEW));
        return new IngestSettings(policy, config.get(IngestOptions.MISSING_ID), config.get(IngestOptions.PII_FIELDS),
                config.get(IngestOptions.PII_KEY), new ClaimCheckStore(config.get(IngestOptions.CLAIM_CHECK_DIR)),
                Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The settings of {@code config} with the record limits of the topics ingest writes, read from Kafka. */
    public static IngestSettings withTopicLimits(KappaConfig config, KafkaAdmin admin) {
        IngestSettings settings = from(config);
        return new IngestSettings(settings.policy, settings.missingId, settings.piiFields, settings.piiKey,
                settings.claimChecks, admin.maxRecordBytes(config.get(CommonOptions.TOPIC_VALID)),
                admin.maxRecordBytes(config.get(CommonOptions.TOPIC_DLQ)));
    }

    /** Never prints the key: settings end up in logs and in the Flink web UI. */
    @Override
    public String toString() {
        return "IngestSettings[policy=" + policy + ", missingId=" + missingId + ", piiFields=" + piiFields
                + ", piiKey=" + (piiKey == null ? "unset" : "******") + ", validRecordLimit=" + validRecordLimit
                + ", deadLetterLimit=" + deadLetterLimit + "]";
    }
}
