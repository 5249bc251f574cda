package dev.kappa.jobs.ops;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;

import dev.kappa.common.config.ConfigException;
import dev.kappa.jobs.table.TableVersion;

/** One writer per version: a job is not started for a version whose recorded job may still run. */
public final class WriterGuard {

    /** Flink's globally terminal job states: a job in any other may still write. */
    public static final Set<String> ENDED = Set.of("FINISHED", "CANCELED", "FAILED");

    private WriterGuard() {
    }

    /**
     * Throws, naming the job and where it runs, unless the newest job {@code version} records has ended
     * or its cluster is gone with it.
     */
    public static void refuseIfRunning(String table, TableVersion version) {
        if (version.lastJobId().isEmpty() || version.flinkRest() == null) {
            return;
        }
        String jobId = version.lastJobId().get();
        Optional<String> state;
        try {
            state = new FlinkRest(version.flinkRest()).jobStateIfAny(jobId);
        } catch (IOException e) {
            throw new ConfigException("cannot tell whether job " + jobId + ", which writes " + table + " "
                    + version.name() + ", still runs: " + e.getMessage() + "; check it (kappa status) and try again");
        }
        if (state.isPresent() && !ENDED.contains(state.get())) {
            throw new ConfigException(table + " " + version.name() + " is already written by job " + jobId + " ("
                    + state.get() + " at " + version.flinkRest() + "); stop it with a savepoint first and restart "
                    + "from that");
        }
    }
}
