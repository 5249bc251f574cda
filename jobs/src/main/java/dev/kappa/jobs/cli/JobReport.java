package dev.kappa.jobs.cli;

import java.util.function.Function;

import org.apache.flink.api.common.JobExecutionResult;

/**
 * What a job command prints when its job returns: the totals after a run, or only the job id after
 * {@code flink run -d}, where the job has just started and has no totals yet.
 */
final class JobReport {

    private JobReport() {
    }

    static void print(String command, JobExecutionResult result, Function<JobExecutionResult, ?> summary) {
        if (!result.isJobExecutionResult()) {
            System.out.println(command + " submitted as job " + result.getJobID()
                    + " (detached: watch it with kappa status or the Flink web UI)");
            return;
        }
        System.out.println(command + " finished: " + summary.apply(result));
    }
}
