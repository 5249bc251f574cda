package dev.kappa.jobs.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.kappa.common.kafka.LogRange;

/**
 * One version's record, kept as a property of its Iceberg table ({@link TableVersions}).
 *
 * @param builtBy {@code columnar} (a live job) or {@code replay}
 * @param job the Flink job name that writes it: its consumer group and transactional-id prefix
 * @param jobIds every Flink job id that wrote to it, resumptions included
 * @param sourceTopic the log topic its rows' log_partition/log_offset point into
 * @param range the stretch of that topic it was built from; null for a live version, whose range
 *     grows until it stops (an audit then takes the range from the files' footers)
 * @param checkpointDir where a replay's checkpoints are kept, for resuming it
 * @param audit the outcome of the last audit, if any
 * @param schemaId the Iceberg schema its files are written with (columns and field ids)
 */
public record TableVersion(int version, VersionState state, String builtBy, String job, List<String> jobIds,
        String created, String updated, String sourceTopic, LogRange range, Long rows, String checkpointDir,
        String audit, Integer schemaId) {

    public TableVersion {
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    }

    public static TableVersion live(int version, String job, String sourceTopic) {
        String now = Instant.now().toString();
        return new TableVersion(version, VersionState.BUILDING, "columnar", job, List.of(), now, now, sourceTopic,
                null, null, null, null, null);
    }

    public static TableVersion replay(int version, String job, LogRange range, String checkpointDir) {
        String now = Instant.now().toString();
        return new TableVersion(version, VersionState.BUILDING, "replay", job, List.of(), now, now, range.topic(),
                range, null, checkpointDir, null, null);
    }

    public TableVersion withState(VersionState newState) {
        return new TableVersion(version, newState, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, rows, checkpointDir, audit, schemaId);
    }

    public TableVersion withJobId(String jobId) {
        List<String> ids = new ArrayList<>(jobIds);
        if (!ids.contains(jobId)) {
            ids.add(jobId);
        }
        return new TableVersion(version, state, builtBy, job, ids, created, Instant.now().toString(), sourceTopic,
                range, rows, checkpointDir, audit, schemaId);
    }

    public TableVersion withRows(long count) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, count, checkpointDir, audit, schemaId);
    }

    public TableVersion withAudit(String outcome) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, Instant.now().toString(),
                sourceTopic, range, rows, checkpointDir, outcome, schemaId);
    }

    TableVersion withSchemaId(int id) {
        return new TableVersion(version, state, builtBy, job, jobIds, created, updated, sourceTopic, range, rows,
                checkpointDir, audit, id);
    }

    /** The Iceberg branch that holds this version's snapshots. */
    public String branch() {
        return name();
    }

    public String name() {
        return "v" + version;
    }
}
