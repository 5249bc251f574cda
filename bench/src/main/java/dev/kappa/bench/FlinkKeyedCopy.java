package dev.kappa.bench;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.dedup.EventIdKey;

/**
 * The dedup job without its deduplicator: the same Kafka source, exchange by event_id and
 * exactly-once sink, and no state. What Flink and Kafka alone cost a keyed stage between two topics;
 * the dedup job's rate against it is what remembering ids costs.
 */
final class FlinkKeyedCopy {

    private FlinkKeyedCopy() {
    }

    /** Copies {@code topics.valid} into {@code topics.unique} of {@code config}, bounded; waits for the end. */
    static JobExecutionResult run(KappaConfig config) throws Exception {
        String jobName = DedupJob.jobName(config);
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        DedupJob.kafkaSource(env, config, jobName, true)
                .keyBy(new EventIdKey(), EventIdKey.TYPE)
                .sinkTo(DedupJob.uniqueSink(config, jobName))
                .uid("flink-keyed-copy-sink").name("copied events");
        return env.execute(jobName);
    }
}
