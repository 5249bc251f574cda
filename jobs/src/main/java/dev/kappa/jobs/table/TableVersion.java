package dev.kappa.jobs.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.kappa.common.kafka.LogRange;

/**
 * One version's record, kept as a property of its Iceberg table ({@link TableVersions}).
 *
 * @param builtBy {@code columnar} (a live job) or {@code replay}
 * @param job the Flink job name that writes it: its consumer group and transactional-id prefix
 * @param jobIds every Flink job id that wrote to it, resumptions included
 * @param sourceTopic the log topic its rows' log_partition/log_offset point into
 * @param range the stretch of that topic it was built from; null for a live version, whose range
 *     grows until it stops (an audit then takes the range from the files' footers); for a replay that
 *     follows the log, where it started and the end it had to catch up with
 * @param checkpointDir where a replay's checkpoints are kept, for resuming it
 * @param audit the outcome of the last audit, if any
 * @param schemaId the Iceberg schema its files are written with (columns and field ids)
 * @param flinkRest the REST API of the Flink cluster its newest job runs on, to stop it when another
 *     version takes over the table
 * @param savepoint where its job was stopped with a savepoint when another version took over
 * @param takenOverBy the version that took the table over from this one ({@code kappa replay
 *     --follow}): this one's rows end where its writer stopped, so it is never written or published again
 * @param follows a replay that reads on past the end of its range and, once caught up, takes the table
 *     over and stays its writer ({@code kappa replay --follow})
 */
public record TableVersion(int version, VersionState state, String builtBy, String job, List<String> jobIds,
        String created, String updated, String sourceTopic, LogRange range, Long rows, String checkpointDir,
        String audit, Integer schemaId, String flinkRest, String savepoint, boolean follows, Integer takenOverBy) {

    public TableVersion {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    }

    public static TableVersion live(int version, String job, String sourceTopic) {
        String now = Instant.now().toString();
        return new TableVersion(version, VersionState.BUILDING, "columnar", job, List.of(), now, now, sourceTopic,
                null, null, null, null, null, null, null, false, null);
    }

    public static TableVersion replay(int version, String job, LogRange range, String checkpointDir) {
        String now = Instant.now().toString();
        return new TableVersion(version, VersionState.BUILDING, "replay", job, List.of(), now, now, range.topic(),
                range, null, checkpointDir, null, null, null, null, false, null);
    }

    /**
     * A replay that reads the log from the start of {@code range} on, without end, and takes the table
     * over once it has caught up with the end of {@code range} and what came since.
     */
    public static TableVersion following(int version, String job, LogRange range, String checkpointDir) {
        String now = Instant.now().toString();
        return new TableVersion(version, VersionState.BUILDING, "replay", job, List.of(), now, now, range.topic(),
                range, null, checkpointDir, null, null, null, null, true, null);
    }

    public TableVersion withState(VersionState newState) {
        return new TableVersion(version, newState, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, rows, checkpointDir, audit, schemaId, flinkRest, savepoint, follows, takenOverBy);
    }

    /** Records a (re)started job that writes this version, and the REST API of the cluster it runs on. */
    public TableVersion withWriter(String jobId, String restUrl) {
        List<String> ids = new ArrayList<>(jobIds);
        if (!ids.contains(jobId)) {
            ids.add(jobId);
        }
        return new TableVersion(version, state, builtBy, job, ids, created, Instant.now().toString(), sourceTopic,
                range, rows, checkpointDir, audit, schemaId, restUrl, null, follows, takenOverBy);
    }

    public TableVersion withSavepoint(String path) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, Instant.now().toString(), sourceTopic,
                range, rows, checkpointDir, audit, schemaId, flinkRest, path, follows, takenOverBy);
    }

    TableVersion withTakenOverBy(int version) {
        return new TableVersion(this.version, VersionState.RETIRED, builtBy, job, jobIds, created,
                Instant.now().toString(), sourceTopic, range, rows, checkpointDir, audit, schemaId, flinkRest,
                savepoint, follows, version);
    }

    /** The newest job that wrote this version, if any ran. */
    public Optional<String> lastJobId() {
        return jobIds.isEmpty() ? Optional.empty() : Optional.of(jobIds.get(jobIds.size() - 1));
    }

    public TableVersion withRows(long count) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, count, checkpointDir, audit, schemaId, flinkRest, savepoint, follows, takenOverBy);
    }

    public TableVersion withAudit(String outcome) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, rows, checkpointDir, outcome, schemaId, flinkRest, savepoint, follows, takenOverBy);
    }

    TableVersion withSchemaId(int id) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, updated, sourceTopic, range, rows,
                checkpointDir, audit, id, flinkRest, savepoint, follows, takenOverBy);
    }

    /** The Iceberg branch that holds this version's snapshots. */
    public String branch() {
        return name();
    }

    public String name() {
        return "v" + version;
    }
}
