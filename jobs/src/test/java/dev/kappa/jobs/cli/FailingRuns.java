package dev.kappa.jobs.cli;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.event.LoggedEvent;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.flink.FlinkEnvironments;
import dev.kappa.common.testkit.FailureInjector;
import dev.kappa.jobs.dedup.DedupJob;
import dev.kappa.jobs.ingest.IngestJob;

/**
 * Bounded runs of the real job wiring with task failures injected after the source, each at a
 * random point in [{@code minRecords}, {@code maxRecords}] drawn from {@code seed}. The failure
 * budget is keyed by the job name: check it with {@link FailureInjector#remaining}.
 */
public final class FailingRuns {

    private FailingRuns() {
    }

    public static void ingest(KappaConfig config, int failures, long minRecords, long maxRecords, long seed)
            throws Exception {
        String name = config.get(CommonOptions.JOB_NAME);
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        IngestJob.defineToKafka(IngestJob.kafkaSource(env, config, name, true)
                .map(FailureInjector.<RawRecord>failTimes(name, failures, minRecords, maxRecords, seed))
                .uid("failure-injector"), config, name);
        env.execute(name);
    }

    public static void dedup(KappaConfig config, int failures, long minRecords, long maxRecords, long seed)
            throws Exception {
        String name = config.get(CommonOptions.JOB_NAME);
        StreamExecutionEnvironment env = FlinkEnvironments.create(config);
        DedupJob.defineToKafka(DedupJob.kafkaSource(env, config, name, true)
                .map(FailureInjector.<LoggedEvent>failTimes(name, failures, minRecords, maxRecords, seed))
                .uid("failure-injector"), config, name);
        env.execute(name);
    }
}
