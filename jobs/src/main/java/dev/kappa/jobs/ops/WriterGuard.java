package dev.kappa.jobs.ops;

import java.io.IOException;
import java.util.Set;

import dev.kappa.common.config.ConfigException;
import dev.kappa.jobs.table.TableVersion;

/** One writer per version: a job is not started for a version whose recorded job still runs. */
public final class WriterGuard {

    private static final Set<String> ALIVE = Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING");

    private WriterGuard() {
    }

    /** Throws, naming the job and where it runs, if the newest job {@code version} records is still alive. */
    public static void refuseIfRunning(String table, TableVersion version) {
        if (version.lastJobId().isEmpty() || version.flinkRest() == null) {
            return;
        }
        String jobId = version.lastJobId().get();
        String state;
        try {
            state = new FlinkRest(version.flinkRest()).jobState(jobId);
        } catch (IOException e) {
            return; // its cluster is gone, and the job with it
        }
        if (ALIVE.contains(state)) {
            throw new ConfigException(table + " " + version.name() + " is already written by job " + jobId + " ("
                    + state + " at " + version.flinkRest() + "); stop it with a savepoint first and restart from that");
        }
    }
}
