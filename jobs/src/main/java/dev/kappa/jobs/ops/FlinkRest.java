package dev.kappa.jobs.ops;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few calls of a Flink cluster's REST API that operations need: what runs, and stopping a job
 * with a savepoint. Plain HTTP and JSON, so it works against any Flink 2.x JobManager, a local
 * MiniCluster's, the local cluster's or a Kubernetes service.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public FlinkRest(String baseUrl) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    }

    public record Cluster(int taskManagers, int slotsTotal, int slotsAvailable, String flinkVersion) {
    }

    /** One job as the cluster reports it; {@code lastCheckpoint} is empty before the first completes. */
    public record Job(String id, String name, String state, Instant start, Duration duration,
            Optional<Checkpoint> lastCheckpoint, long restarts) {
    }

    public record Checkpoint(long id, Instant completed, String path) {
    }

    public Cluster cluster() throws IOException {
        JsonNode overview = get("overview");
        return new Cluster(overview.path("taskmanagers").asInt(), overview.path("slots-total").asInt(),
                overview.path("slots-available").asInt(), overview.path("flink-version").asText());
    }

    /** Every job the cluster knows, newest first. */
    public List<Job> jobs() throws IOException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode job : get("jobs/overview").path("jobs")) {
            String id = job.path("jid").asText();
            jobs.add(new Job(id, job.path("name").asText(), job.path("state").asText(),
                    Instant.ofEpochMilli(job.path("start-time").asLong()),
                    Duration.ofMillis(job.path("duration").asLong()), lastCheckpoint(id), restarts(id)));
        }
        jobs.sort((a, b) -> b.start().compareTo(a.start()));
        return jobs;
    }

    /** The job's state (RUNNING, FINISHED, ...) as the cluster reports it. */
    public String jobState(String jobId) throws IOException {
        return get("jobs/" + jobId).path("state").asText();
    }

    /**
     * The job's state, or empty if its cluster is gone (nothing listens) or does not know it: a local
     * run's MiniCluster ends with its job.
     */
    public Optional<String> jobStateIfAny(String jobId) throws IOException {
        try {
            return Optional.of(jobState(jobId));
        } catch (ConnectException e) {
            return Optional.empty();
        } catch (StatusException e) {
            if (e.status == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Cancels the job, without a savepoint. */
    public void cancel(String jobId) throws IOException {
        send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()), 202);
    }

    /**
     * Stops the job with a savepoint in {@code targetDirectory} (its sources stop, it does not drain,
     * so it can be resumed from the savepoint) and waits up to {@code timeout} for the savepoint;
     * returns its path. A local run's MiniCluster shuts down as soon as its job has finished, before it
     * can report where the savepoint went; the savepoint is then found in the directory.
     */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout) throws IOException {
        String body = JSON.createObjectNode().put("targetDirectory", targetDirectory).put("drain", false).toString();
        String trigger = send(HttpRequest.newBuilder(base.resolve("jobs/" + jobId + "/stop"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), 202)
                .path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status;
            try {
                status = get("jobs/" + jobId + "/savepoints/" + trigger);
            } catch (ConnectException e) {
                return savepointIn(targetDirectory, jobId).orElseThrow(() -> new IOException("the cluster of job "
                        + jobId + " went away after it was asked to stop, and " + targetDirectory
                        + " holds no savepoint of it"));
            }
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("stopping job " + jobId + " with a savepoint failed: "
                            + operation.path("failure-cause").path("stack-trace").asText().lines().findFirst()
                                    .orElse("no reason given"));
                }
                return operation.path("location").asText();
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("job " + jobId + " was asked to stop with a savepoint " + timeout.toSeconds()
                        + " s ago and has not finished it; see its checkpoints in the Flink UI");
            }
            sleep(Duration.ofMillis(200));
        }
    }

    /** The newest complete savepoint of the job in {@code directory} (Flink names them savepoint-<6 hex of the job id>-...). */
    private static Optional<String> savepointIn(String directory, String jobId) throws IOException {
        Path dir = new Path(directory);
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            return Optional.empty();
        }
        String prefix = "savepoint-" + jobId.substring(0, 6) + "-";
        return Arrays.stream(fs.listStatus(dir))
                .filter(status -> status.getPath().getName().startsWith(prefix))
                .filter(status -> exists(fs, new Path(status.getPath(), "_metadata")))
                .max(Comparator.comparingLong(FileStatus::getModificationTime))
                .map(status -> status.getPath().toString());
    }

    private static boolean exists(FileSystem fs, Path path) {
        try {
            return fs.exists(path);
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(Duration duration) throws IOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private Optional<Checkpoint> lastCheckpoint(String jobId) throws IOException {
        JsonNode completed = get("jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        if (completed.isMissingNode() || completed.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Checkpoint(completed.path("id").asLong(),
                Instant.ofEpochMilli(completed.path("latest_ack_timestamp").asLong()),
                completed.path("external_path").asText()));
    }

    private long restarts(String jobId) throws IOException {
        for (JsonNode metric : get("jobs/" + jobId + "/metrics?get=numRestarts")) {
            return metric.path("value").asLong();
        }
        return 0;
    }

    private JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), 200);
    }

    private JsonNode send(HttpRequest.Builder builder, int expectedStatus) throws IOException {
        HttpRequest request = builder.timeout(TIMEOUT).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking " + request.uri(), e);
        }
        if (response.statusCode() != expectedStatus) {
            throw new StatusException(response.statusCode(), request.uri() + " answered HTTP " + response.statusCode()
                    + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** An answer with another HTTP status than the call expects. */
    private static final class StatusException extends IOException {
        private final int status;

        StatusException(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
