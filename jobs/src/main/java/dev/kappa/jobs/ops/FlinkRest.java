package dev.kappa.jobs.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few read-only calls of a Flink cluster's REST API that operations need. Plain HTTP and JSON,
 * so it works against any Flink 2.x JobManager, the local one or a Kubernetes service.
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
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted asking " + request.uri(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(request.uri() + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
