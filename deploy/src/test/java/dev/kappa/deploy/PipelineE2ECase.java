package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.config.SecretValues;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.kafka.LocalKafkaBroker;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.ops.FlinkRest;
import dev.kappa.jobs.table.CatalogSettings;
import dev.kappa.jobs.table.TableScan;
import dev.kappa.jobs.table.TableVersion;
import dev.kappa.jobs.table.TableVersions;
import dev.kappa.jobs.table.VersionState;

/**
 * The whole pipeline on a real cluster, driven only through the commands a user runs:
 * deploy/local/cluster starts Kafka, a JobManager and a TaskManager JVM; ingest, dedup and columnar
 * are submitted from the shaded jar; Kafka's own console producer streams events with duplicates
 * and malformed lines. Meanwhile the TaskManager is killed -9 twice at random moments and replaced,
 * and the columnar job is stopped with a savepoint and resumed. The Parquet table must then hold
 * every valid id exactly once and the DLQ every bad line exactly once. Last, a replay that follows
 * the log takes the table over on the cluster, through a third kill.
 */
class PipelineE2ECase {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path WORK = ROOT.resolve("deploy/target/e2e");
    private static final String[] JOBS = {"ingest", "dedup", "columnar"};
    private static final int BATCHES = 5;
    private static final int EVENTS_PER_BATCH = 6_000;
    private static final Duration DEADLINE = Duration.ofMinutes(4);

    private static final Map<String, String> env = new HashMap<>();
    /** Secrets the jobs are configured with (from the environment); none may show up anywhere. */
    private static final Map<String, String> SECRETS = Map.of(
            "KAPPA_E2E_S3_SECRET", "s3-secret-" + java.util.UUID.randomUUID(),
            "KAPPA_E2E_AZURE_KEY", "azure-key-" + java.util.UUID.randomUUID(),
            "KAPPA_E2E_JAAS_PASSWORD", "jaas-pass-" + java.util.UUID.randomUUID());
    private static final StringBuilder printed = new StringBuilder();
    private static String bootstrap;
    private static FlinkRest rest;
    private static String restUrl;
    private static int prometheusBase;

    @BeforeAll
    static void startCluster() throws Exception {
        FileUtils.deleteDirectory(WORK.toFile());
        Files.createDirectories(WORK);
        int kafkaPort = LocalKafkaBroker.freePort();
        int restPort = LocalKafkaBroker.freePort();
        prometheusBase = LocalKafkaBroker.freePort();
        bootstrap = "127.0.0.1:" + kafkaPort;
        restUrl = "http://127.0.0.1:" + restPort;
        rest = new FlinkRest(restUrl);
        env.put("KAPPA_LOCAL_HOME", WORK.resolve("cluster").toString());
        env.put("KAPPA_KAFKA_PORT", Integer.toString(kafkaPort));
        env.put("KAPPA_KAFKA_CONTROLLER_PORT", Integer.toString(LocalKafkaBroker.freePort()));
        env.put("KAPPA_FLINK_REST_PORT", Integer.toString(restPort));
        env.put("KAPPA_FLINK_RPC_PORT", Integer.toString(LocalKafkaBroker.freePort()));
        env.put("KAPPA_PROMETHEUS_PORTS", prometheusBase + "-" + (prometheusBase + 9));
        env.put("KAPPA_CONF", writeJobConfig().toString());
        env.put("KAPPA_LOG_DIR", WORK.resolve("cli-logs").toString());
        env.putAll(SECRETS);
        run("deploy/local/cluster", "start");
        run("deploy/kappa", "topics", "create", "--conf", env.get("KAPPA_CONF"),
                "--set", "kafka.bootstrap-servers=" + bootstrap);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (!env.isEmpty()) {
            run("deploy/local/cluster", "stop");
            System.out.println("e2e: cluster logs stay in " + WORK.resolve("cluster/logs"));
        }
    }

    /** conf/local.yaml as a user has it, with its directories moved under target/ and 2 s checkpoints. */
    private static Path writeJobConfig() throws IOException {
        String yaml = Files.readString(ROOT.resolve("conf/local.yaml"));
        String changed = yaml.replace("file:///tmp/kappa/", WORK.toUri() + "data/")
                .replace("interval: 5s", "interval: 2s")
                // The DLQ must hold each bad line exactly once, even across the kills.
                .replace("delivery: at-least-once", "delivery: exactly-once");
        assertThat(changed).doesNotContain("/tmp/kappa/", "interval: 5s", "delivery: at-least-once");
        // secrets as production passes them: the Kafka client ignores SASL on PLAINTEXT, the file
        // systems that would use the keys are not loaded, but every one reaches the jobs' configuration
        changed = changed.replace("  transaction-timeout: 5min\n", "  transaction-timeout: 5min\n  properties:\n"
                + "    sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"kappa\" password=\"${env:KAPPA_E2E_JAAS_PASSWORD:-}\";'\n")
                // empty in this JVM, which reads the file too but has not these variables
                + "\nflink:\n  s3.secret-key: ${env:KAPPA_E2E_S3_SECRET:-}\n"
                + "  fs.azure.account.key.kappa.blob.core.windows.net: ${env:KAPPA_E2E_AZURE_KEY:-}\n";
        assertThat(changed).contains("sasl.jaas.config");
        Path conf = WORK.resolve("e2e.yaml");
        Files.writeString(conf, changed);
        return conf;
    }

    @Test
    void killedTaskManagersAndASavepointRestartLoseAndDuplicateNothing() throws Exception {
        for (String job : JOBS) {
            run("deploy/local/cluster", "submit", job);
        }
        // the kills below must hit running tasks: a job still being scheduled would not even restart
        awaitEveryJobCheckpointedAfter(Instant.EPOCH);
        Random random = new Random(20261122);
        Corpus corpus = new Corpus(random);
        List<String> recoveries = new ArrayList<>();
        for (int batch = 1; batch <= BATCHES; batch++) {
            Path file = WORK.resolve("batch-" + batch + ".ndjson");
            Files.write(file, corpus.batch(batch));
            Process producer = consoleProducer(file);
            if (batch == 2 || batch == 3) {
                Thread.sleep(random.nextInt(1_500));
                recoveries.add(killAndReplaceTaskManager(recoveries.size() + 1));
            }
            assertThat(producer.waitFor(2, TimeUnit.MINUTES)).as("console producer finished").isTrue();
            assertThat(producer.exitValue()).as("console producer exit code").isZero();
            if (batch == 4) {
                run("deploy/local/cluster", "savepoint", "columnar");
                run("deploy/local/cluster", "submit", "columnar", "--savepoint", "latest");
            }
        }
        Map<String, Integer> rowsById = new HashMap<>();
        try (TableVersions versions = TableVersions.open(catalog(), "events")) {
            awaitRows(versions, corpus.validIds.size());
            awaitCheckpoints(2); // anything a recovery wrote twice would be committed by now
            // the version's files as the catalog lists them: each committed once across the kills
            TableScan.forEachRow(TableScan.partitionsOf(versions.files(1)),
                    row -> rowsById.merge(row.eventId(), 1, Integer::sum));
        }
        assertThat(rowsById.keySet()).containsExactlyInAnyOrderElementsOf(corpus.validIds);
        assertThat(rowsById.values()).allMatch(n -> n == 1, "every id in exactly one row");

        List<String> deadLetters = new ArrayList<>();
        KafkaTopicReader.readAll(KafkaSettings.of(bootstrap), "events.dlq", Duration.ofSeconds(30),
                r -> deadLetters.add(new String(r.value(), StandardCharsets.UTF_8)));
        assertThat(deadLetters).containsExactlyInAnyOrderElementsOf(corpus.badLines);

        Map<String, Double> metrics = scrapeKappaMetrics();
        System.out.println("e2e: metrics scraped " + metrics);
        // Counters restart with each task attempt; ingest's last restart came before batch 4 was sent.
        assertThat(metrics.get("kappa_ingest_valid")).isGreaterThanOrEqualTo(corpus.sentValid(4, 5));
        assertThat(metrics.get("kappa_ingest_dlq")).isGreaterThanOrEqualTo(corpus.sentBad(4, 5));
        assertThat(metrics.get("kappa_dedup_duplicates")).isGreaterThanOrEqualTo(corpus.sentDuplicates(4, 5));
        assertThat(metrics.get("kappa_columnar_rows")).isPositive();
        assertThat(metrics).containsKey("kappa_checkpoint_age_ms");

        run("deploy/local/cluster", "status");
        everyListenerIsOnLoopbackAndTheWebUiRunsNoJars();
        noSecretInLogsRestOrOutput();
        System.out.println("e2e: " + corpus.validIds.size() + " unique valid ids in " + rowsById.size()
                + " rows, " + deadLetters.size() + " dead letters, " + corpus.duplicates + " duplicates sent; "
                + String.join("; ", recoveries));
        readByNameAndSwitchOverToAReplay(corpus);
        // for .ci/run's independent DuckDB check: the version readers now see, stopped, and all it holds
        Files.writeString(WORK.resolve("table.txt"), WORK.resolve("data/warehouse/events/v2") + " "
                + corpus.validIds.size() + "\n");
    }

    /** Kills the TaskManager with -9, starts a new one, and times until every job has checkpointed again. */
    private static String killAndReplaceTaskManager(int kill) throws Exception {
        Instant killed = Instant.now();
        run("deploy/local/cluster", "kill", "taskmanager-1");
        run("deploy/local/cluster", "start");
        List<FlinkRest.Job> running = awaitEveryJobCheckpointedAfter(killed);
        Duration took = Duration.between(killed, Instant.now());
        String line = String.format("recovery after kill %d: %.1f s", kill, took.toMillis() / 1000.0);
        System.out.println("e2e: " + line);
        assertThat(running).allMatch(j -> j.restarts() >= 1, "each job restarted");
        return line;
    }

    /** Waits until every job runs and has completed a checkpoint after {@code after}. */
    private static List<FlinkRest.Job> awaitEveryJobCheckpointedAfter(Instant after) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            List<FlinkRest.Job> running = rest.jobs().stream().filter(j -> j.state().equals("RUNNING")).toList();
            if (running.size() == JOBS.length && running.stream().allMatch(
                    j -> j.lastCheckpoint().map(c -> c.completed().isAfter(after)).orElse(false))) {
                return running;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("jobs did not all checkpoint within " + DEADLINE + " after " + after);
    }

    /**
     * Apache Spark reads the live table by name through the catalog. Then the kappa switch-over on the
     * cluster: {@code replay --follow} with one more typed column is submitted, the TaskManager is
     * killed with -9 while it catches up, a batch is sent meanwhile and another after the switch. The
     * replay must take the table over and stop the columnar job with a savepoint, and Spark, reading
     * the same name, must then see every id sent exactly once, the new column, and main on v2.
     */
    private static void readByNameAndSwitchOverToAReplay(Corpus corpus) throws Exception {
        String warehouse = WORK.resolve("data/warehouse").toString();
        int ids = corpus.validIds.size();
        String before = run("deploy/spark-sql", "--warehouse", warehouse,
                "SELECT count(*), count(DISTINCT event_id) FROM kappa.lake.events",
                "DESCRIBE kappa.lake.events");
        assertThat(before).contains(ids + "\t" + ids).contains("amount\tdouble").doesNotContain("region");

        Instant started = Instant.now();
        Process follow = start(WORK.resolve("follow.log"), "deploy/local/cluster", "submit", "replay", "--follow",
                "--set", "columnar.fields.region=string", "--set", "replay.progress-interval=2s",
                "--set", "replay.switch-lag=5000");
        try (TableVersions versions = TableVersions.open(catalog(), "events")) {
            await("the replay's job", () -> versions.get(2).flatMap(TableVersion::lastJobId).isPresent(), follow);
            assertThat(versions.require(2).state()).as("v2 still catching up").isEqualTo(VersionState.BUILDING);
            String replayJob = versions.require(2).lastJobId().orElseThrow();
            Process during = consoleProducer(writeBatch(corpus, BATCHES + 1));
            Instant killed = Instant.now();
            run("deploy/local/cluster", "kill", "taskmanager-1");
            run("deploy/local/cluster", "start");
            await("the replay's job to checkpoint after the kill", () -> replayCheckpointedSince(replayJob, killed),
                    follow);
            String recovery = String.format("its recovery after kill 3: %.1f s",
                    Duration.between(killed, Instant.now()).toMillis() / 1000.0);
            assertThat(during.waitFor(2, TimeUnit.MINUTES)).isTrue();
            await("the switch to v2 and the columnar job stopped",
                    () -> versions.current().orElse(0) == 2 && versions.require(1).savepoint() != null, follow);
            Duration switchedAfter = Duration.between(started, Instant.now());
            TableVersion v1 = versions.require(1);
            assertThat(v1.takenOverBy()).isEqualTo(2);
            await("the columnar job to finish at its savepoint",
                    () -> "FINISHED".equals(stateOf(v1.lastJobId().orElseThrow())), follow);

            Process after = consoleProducer(writeBatch(corpus, BATCHES + 2));
            assertThat(after.waitFor(2, TimeUnit.MINUTES)).isTrue();
            await("every id sent in the published table", () -> versions.rowCount(2) >= corpus.validIds.size(),
                    follow);
            int all = corpus.validIds.size();
            String switched = run("deploy/spark-sql", "--warehouse", warehouse,
                    "SELECT count(*), count(DISTINCT event_id), count(region) FROM kappa.lake.events",
                    "SELECT name, snapshot_id FROM kappa.lake.events.refs WHERE name IN ('main', 'v2') ORDER BY name");
            assertThat(switched).as("rows, distinct ids and region values read by name").contains(all + "\t" + all
                    + "\t" + all);
            Matcher refs = Pattern.compile("main\\t(\\d+)\\s+v2\\t(\\d+)").matcher(switched);
            assertThat(refs.find()).as("main and v2 in the refs: %s", switched).isTrue();
            assertThat(refs.group(1)).as("main is on v2's snapshot").isEqualTo(refs.group(2));
            System.out.println("e2e: switch-over: v2 took over " + switchedAfter.toSeconds() + " s after the replay "
                    + "was submitted (" + recovery + "); " + all + " ids in the published table, each once");
        }
        run("deploy/local/cluster", "savepoint", "kappa-replay-events-v2");
        assertThat(follow.waitFor(2, TimeUnit.MINUTES)).as("replay --follow ends with its job").isTrue();
        System.out.print(Files.readString(WORK.resolve("follow.log")).lines().map(l -> "e2e| " + l + "\n")
                .collect(Collectors.joining()));
    }

    private static String stateOf(String jobId) {
        try {
            return rest.jobState(jobId);
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }

    private static boolean replayCheckpointedSince(String jobId, Instant since) {
        try {
            return rest.jobs().stream().anyMatch(job -> job.id().equals(jobId) && job.state().equals("RUNNING")
                    && job.lastCheckpoint().map(c -> c.completed().isAfter(since)).orElse(false));
        } catch (IOException e) {
            return false; // the JobManager is busy with the lost TaskManager: ask again
        }
    }

    private static Path writeBatch(Corpus corpus, int batch) throws IOException {
        Path file = WORK.resolve("batch-" + batch + ".ndjson");
        Files.write(file, corpus.batch(batch));
        return file;
    }

    /** Waits for {@code condition}; fails at once if {@code command} ends first. */
    private static void await(String what, BooleanSupplier condition, Process command) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(command.isAlive()).as("replay --follow is still running while waiting for %s; its output:%n%s",
                    what, Files.readString(WORK.resolve("follow.log"))).isTrue();
            assertThat(Instant.now()).as("waited %s for %s", DEADLINE, what).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    /** Starts a command in the background, its output into {@code log}. */
    private static Process start(Path log, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of(command));
        args.set(0, ROOT.resolve(command[0]).toString());
        ProcessBuilder builder = new ProcessBuilder(args).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static CatalogSettings catalog() {
        return CatalogSettings.from(KappaConfig.load(Path.of(env.get("KAPPA_CONF")), List.of(), AllOptions.list()));
    }

    private static void awaitRows(TableVersions versions, long expected) throws Exception {
        Instant deadline = Instant.now().plus(DEADLINE);
        long rows = 0;
        while (Instant.now().isBefore(deadline)) {
            rows = versions.rowCount(1);
            if (rows >= expected) {
                return;
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("the catalog lists " + rows + " rows after " + DEADLINE + ", expected " + expected);
    }

    private static void awaitCheckpoints(int count) throws Exception {
        FlinkRest.Job columnar = rest.jobs().stream()
                .filter(j -> j.name().equals("kappa-columnar") && j.state().equals("RUNNING")).findFirst().orElseThrow();
        long after = columnar.lastCheckpoint().map(FlinkRest.Checkpoint::id).orElse(0L) + count;
        Instant deadline = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            FlinkRest.Job now = rest.jobs().stream().filter(j -> j.id().equals(columnar.id())).findFirst().orElseThrow();
            if (now.lastCheckpoint().map(c -> c.id() >= after).orElse(false)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("columnar did not complete " + count + " more checkpoints");
    }

    /**
     * Every TCP socket a process of the cluster (Kafka, JobManager, TaskManagers) listens on is bound
     * to loopback, as the kernel reports it (/proc/net/tcp, tcp6), Prometheus endpoints included; and
     * the web UI offers no jar upload.
     */
    private static void everyListenerIsOnLoopbackAndTheWebUiRunsNoJars() throws Exception {
        Set<String> inodes = new HashSet<>();
        try (var pids = Files.list(WORK.resolve("cluster/pids"))) {
            for (Path pidFile : pids.toList()) {
                Path fds = Path.of("/proc", Files.readString(pidFile).strip(), "fd");
                try (var links = Files.list(fds)) {
                    for (Path fd : links.toList()) {
                        try {
                            Matcher socket = Pattern.compile("socket:\\[(\\d+)]")
                                    .matcher(Files.readSymbolicLink(fd).toString());
                            if (socket.matches()) {
                                inodes.add(socket.group(1));
                            }
                        } catch (IOException closedMeanwhile) {
                            // a descriptor that closed while listed is no listener
                        }
                    }
                }
            }
        }
        List<String> listeners = new ArrayList<>();
        List<String> exposed = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> rows = Files.readAllLines(Path.of(table));
            for (String row : rows.subList(1, rows.size())) { // after the header
                String[] f = row.trim().split("\\s+");
                if (!f[3].equals("0A") || !inodes.contains(f[9])) { // 0A: LISTEN
                    continue;
                }
                String address = f[1].substring(0, f[1].indexOf(':'));
                int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                boolean loopback = address.equals("0100007F") || address.equals("00000000000000000000000001000000")
                        || address.equals("0000000000000000FFFF00000100007F");
                listeners.add(address + ":" + port);
                if (!loopback) {
                    exposed.add(table + " " + address + ":" + port);
                }
            }
        }
        System.out.println("e2e: cluster listeners " + listeners);
        assertThat(listeners).as("Kafka, its controller, REST, RPC and Prometheus at least").hasSizeGreaterThanOrEqualTo(6);
        assertThat(exposed).as("listeners not on loopback").isEmpty();
        HttpResponse<String> jars = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(restUrl + "/jars"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jars.statusCode()).as("GET /jars with web.submit.enable off").isEqualTo(404);
    }

    /**
     * The secrets the jobs were configured with appear nowhere a person or another process can read:
     * the CLI's output and log, the JobManager's and TaskManagers' logs and stdout, and the
     * configuration Flink serves over REST (the cluster's and each job's).
     */
    private static void noSecretInLogsRestOrOutput() throws Exception {
        Map<String, String> readable = new TreeMap<>();
        readable.put("CLI output", printed.toString());
        for (Path dir : List.of(WORK.resolve("cluster/logs"), WORK.resolve("cli-logs"))) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    readable.put(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertThat(readable.keySet()).anyMatch(f -> f.endsWith("jobmanager.log")).anyMatch(f -> f.endsWith("kappa.log"));
        HttpClient http = HttpClient.newHttpClient();
        List<String> paths = new ArrayList<>(List.of("/jobmanager/config", "/taskmanagers"));
        for (FlinkRest.Job job : rest.jobs()) {
            paths.addAll(List.of("/jobs/" + job.id() + "/config", "/jobs/" + job.id() + "/jobmanager/config"));
        }
        for (String path : paths) {
            readable.put("REST " + path, http.send(HttpRequest.newBuilder(URI.create(restUrl + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        // the jobs were given the secrets: their config, as the CLI shows it, holds them (masked)
        String config = run("deploy/kappa", "config", "--conf", env.get("KAPPA_CONF"));
        readable.put("kappa config", config);
        assertThat(config).contains("s3.secret-key=" + SecretValues.MASK, "sasl.jaas.config=" + SecretValues.MASK,
                "fs.azure.account.key.kappa.blob.core.windows.net=" + SecretValues.MASK);
        List<String> leaks = new ArrayList<>();
        readable.forEach((where, text) -> SECRETS.forEach((name, secret) -> {
            if (text.contains(secret)) {
                leaks.add(name + " in " + where);
            }
        }));
        assertThat(leaks).as("secrets readable outside the process").isEmpty();
    }

    /** Sum over subtasks of each kappa_* metric on every Prometheus endpoint of the cluster. */
    private static Map<String, Double> scrapeKappaMetrics() throws Exception {
        Pattern line = Pattern.compile("^flink_taskmanager_job_task_operator_(kappa_\\w+)\\{[^}]*\\} (\\S+)$");
        Map<String, Double> sums = new TreeMap<>();
        HttpClient http = HttpClient.newHttpClient();
        for (int port = prometheusBase; port <= prometheusBase + 9; port++) {
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException nothingListening) {
                continue;
            }
            for (String metric : response.body().split("\n")) {
                Matcher m = line.matcher(metric);
                if (m.matches()) {
                    sums.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
                }
            }
        }
        return sums;
    }

    private static Process consoleProducer(Path input) throws IOException {
        String classpath = ROOT.resolve("jobs/target/kappa-jobs.jar") + ":"
                + Files.readString(ROOT.resolve("jobs/target/provided-classpath.txt")).strip();
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath, "org.apache.kafka.tools.ConsoleProducer",
                "--bootstrap-server", bootstrap, "--topic", "events.raw")
                .redirectInput(input.toFile())
                .redirectErrorStream(true)
                .redirectOutput(WORK.resolve("producer.out").toFile())
                .start();
    }

    /** Runs one of the repository's commands as a user would, echoing its output into the test log. */
    private static String run(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command));
        args.set(0, ROOT.resolve(command[0]).toString());
        ProcessBuilder builder = new ProcessBuilder(args).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.print(output.lines().map(l -> "e2e| " + l + "\n").collect(Collectors.joining()));
        printed.append(output);
        assertThat(process.exitValue()).as(String.join(" ", command) + " exit code; output:\n" + output).isZero();
        return output;
    }

    /**
     * What the producers send: each batch's new events, resends of earlier events (retries of an
     * at-least-once producer: byte-identical) and malformed lines, each bad line unique.
     */
    private static final class Corpus {
        private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
        private final Random random;
        private final List<String> sentGood = new ArrayList<>();
        final Set<String> validIds = new HashSet<>();
        final List<String> badLines = new ArrayList<>();
        private final Map<Integer, int[]> perBatch = new HashMap<>(); // valid, bad, duplicates
        int duplicates;

        Corpus(Random random) {
            this.random = random;
        }

        List<String> batch(int batch) {
            List<String> lines = new ArrayList<>();
            int bad = 0;
            int resent = 0;
            for (int i = (batch - 1) * EVENTS_PER_BATCH; i < batch * EVENTS_PER_BATCH; i++) {
                String id = String.format("e2e-%06d", i);
                String event = "{\"event_id\":\"" + id + "\",\"event_type\":\"purchase\",\"event_time\":\""
                        + START.plusMillis(i * 250L) + "\",\"payload\":{\"user_id\":\"u" + i % 97
                        + "\",\"amount\":" + i / 10.0 + ",\"region\":\"r" + i % 5 + "\"}}";
                lines.add(event);
                sentGood.add(event);
                validIds.add(id);
                if (random.nextInt(10) == 0) {
                    lines.add(sentGood.get(random.nextInt(sentGood.size())));
                    resent++;
                }
                if (i % 100 == 7) {
                    String line = malformed(i);
                    lines.add(line);
                    badLines.add(line);
                    bad++;
                }
            }
            duplicates += resent;
            perBatch.put(batch, new int[] {EVENTS_PER_BATCH + resent, bad, resent});
            return lines;
        }

        private static String malformed(int i) {
            return switch (i / 100 % 4) {
                case 0 -> "not json " + i;
                case 1 -> "{\"event_id\":\"bad-" + i + "\",\"event_type\":\"purchase\"}";
                case 2 -> "{\"event_id\":\"bad-" + i + "\",\"event_type\":\"purchase\",\"event_time\":\"soon\"}";
                default -> "[" + i + "]";
            };
        }

        double sentValid(int from, int to) {
            return sum(from, to, 0);
        }

        double sentBad(int from, int to) {
            return sum(from, to, 1);
        }

        double sentDuplicates(int from, int to) {
            return sum(from, to, 2);
        }

        private double sum(int from, int to, int column) {
            double total = 0;
            for (int batch = from; batch <= to; batch++) {
                total += perBatch.get(batch)[column];
            }
            return total;
        }
    }
}
