package dev.kappa.jobs.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.DeadLetterHeaders;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.KafkaTopicReader;
import dev.kappa.common.testkit.SecuredKafka;
import dev.kappa.common.testkit.TestFlink;
import dev.kappa.jobs.cli.AllOptions;
import dev.kappa.jobs.cli.ConsoleCapture;
import dev.kappa.jobs.cli.Kappa;
import dev.kappa.jobs.columnar.ColumnarSettings;
import dev.kappa.jobs.generate.EventGenerator;
import dev.kappa.jobs.table.IcebergReads;
import dev.kappa.jobs.table.TableVersions;

/**
 * The whole pipeline against a broker secured as production ones are: SASL_SSL, SCRAM-SHA-512 users,
 * ACLs with nothing allowed by default. Each job runs as its own user holding only the ACLs the
 * README lists for it, and the result is the same exactly-once one as on PLAINTEXT. A wrong password,
 * an untrusted certificate and a missing ACL each end the command with one line naming the cause.
 */
class SecuredKafkaITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.miniCluster();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RAW = "sec.raw";
    private static final String VALID = "sec.valid";
    private static final String DLQ = "sec.dlq";
    private static final String UNIQUE = "sec.unique";

    @TempDir
    static Path shared;

    private static final Map<String, String> passwords = new HashMap<>();
    private static List<String> common;
    private static Set<String> validIds;
    private static long malformedSent;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @BeforeAll
    static void securedBrokerWithOneUserPerJob() throws Exception {
        KafkaSettings admin = SecuredKafka.superUserSettings();
        try (KafkaAdmin topics = new KafkaAdmin(admin)) {
            topics.createTopicsIfMissing(List.of(RAW, VALID, DLQ, UNIQUE), 2, 1);
        }
        for (String job : List.of("ingest", "dedup", "columnar", "replay")) {
            passwords.put(job, SecuredKafka.createUser("sec-" + job));
        }
        grantIngest("sec-ingest");
        grantDedup("sec-dedup", true, true);
        // columnar reads the unique events and commits its offsets as its group
        SecuredKafka.allow("sec-columnar", ResourceType.TOPIC, UNIQUE, PatternType.LITERAL, AclOperation.READ,
                AclOperation.DESCRIBE_CONFIGS);
        SecuredKafka.allow("sec-columnar", ResourceType.GROUP, "sec-columnar", PatternType.LITERAL, AclOperation.READ);
        // a replay reads the log and, to audit its version, the dead letters; it parks too-late events
        // exactly-once; its group and transactional ids carry the version in their name
        SecuredKafka.allow("sec-replay", ResourceType.TOPIC, VALID, PatternType.LITERAL, AclOperation.READ,
                AclOperation.DESCRIBE_CONFIGS);
        SecuredKafka.allow("sec-replay", ResourceType.TOPIC, DLQ, PatternType.LITERAL, AclOperation.READ,
                AclOperation.WRITE);
        SecuredKafka.allow("sec-replay", ResourceType.GROUP, "sec-replay-", PatternType.PREFIXED, AclOperation.READ);
        SecuredKafka.allow("sec-replay", ResourceType.TRANSACTIONAL_ID, "sec-replay-", PatternType.PREFIXED,
                AclOperation.WRITE);

        EventGenerator generator = new EventGenerator(new EventGenerator.Spec(3_000, 0.2, 0.05, 0, 11,
                Instant.parse("2026-05-01T00:00:00Z"), Duration.ofHours(3)));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        validIds = new HashSet<>();
        while (generator.hasNext()) {
            EventGenerator.Generated g = generator.next();
            if (g.kind() == EventGenerator.Kind.MALFORMED) {
                malformedSent++;
            } else {
                validIds.add(JSON.readTree(g.value()).get("event_id").asText());
            }
            records.add(new ProducerRecord<>(RAW, null, g.value()));
        }
        try (var producer = new KafkaProducer<>(admin.toProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
        common = List.of("topics.raw=" + RAW, "topics.valid=" + VALID, "topics.dlq=" + DLQ,
                "topics.unique=" + UNIQUE, "checkpoint.interval=500ms",
                "checkpoint.dir=" + shared.resolve("checkpoints").toUri(),
                "columnar.warehouse=" + shared.resolve("warehouse").toUri(), "columnar.fields.amount=double",
                "columnar.commit-delay=0s", "event-time.out-of-orderness=3h", "event-time.idle-timeout=30min",
                "ingest.start=earliest", "dedup.start=earliest", "columnar.start=earliest",
                "replay.progress-interval=1s", "job.parallelism=2");
    }

    /** Reads the raw events, writes valid events and dead letters, reads those topics' record limits. */
    private static void grantIngest(String user) {
        SecuredKafka.allow(user, ResourceType.TOPIC, RAW, PatternType.LITERAL, AclOperation.READ);
        SecuredKafka.allow(user, ResourceType.GROUP, "sec-ingest", PatternType.LITERAL, AclOperation.READ);
        for (String topic : List.of(VALID, DLQ)) {
            SecuredKafka.allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE,
                    AclOperation.DESCRIBE_CONFIGS);
        }
    }

    /**
     * Reads valid events, writes unique events and dead letters in transactions named after the job;
     * reads what it writes too, as the sink finds transactions left open by describing their producers.
     */
    private static void grantDedup(String user, boolean readOutputs, boolean transactions) {
        SecuredKafka.allow(user, ResourceType.TOPIC, VALID, PatternType.LITERAL, AclOperation.READ,
                AclOperation.DESCRIBE_CONFIGS);
        SecuredKafka.allow(user, ResourceType.GROUP, "sec-dedup", PatternType.LITERAL, AclOperation.READ);
        for (String topic : List.of(UNIQUE, DLQ)) {
            SecuredKafka.allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.WRITE);
            if (readOutputs) {
                SecuredKafka.allow(user, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.READ);
            }
        }
        if (transactions) {
            SecuredKafka.allow(user, ResourceType.TRANSACTIONAL_ID, "sec-dedup", PatternType.PREFIXED,
                    AclOperation.WRITE);
        }
    }

    @Test
    void everyJobRunsAsItsOwnUserWithOnlyItsAclsAndTheResultIsExactlyOnce() throws Exception {
        assertThat(run("ingest", "ingest", "--bounded")).as(console.both()).isZero();
        assertThat(run("dedup", "dedup", "--bounded")).as(console.both()).isZero();
        assertThat(run("columnar", "columnar", "--bounded")).as(console.both()).isZero();

        Map<String, Integer> unique = countIds(UNIQUE);
        assertThat(unique.keySet()).isEqualTo(validIds);
        assertThat(unique.values()).allMatch(n -> n == 1);
        assertThat(records(DLQ).stream().filter(letter -> "sec-ingest".equals(
                DeadLetterHeaders.get(letter.headers(), DeadLetterHeaders.JOB))).count())
                .as("one dead letter per malformed record").isEqualTo(malformedSent);

        assertThat(run("replay", "replay")).as(console.both()).isZero();
        try (TableVersions versions = TableVersions.open(ColumnarSettings.from(config("columnar")).catalog(),
                "events")) {
            Map<String, Integer> live = tableIds(versions, 1);
            Map<String, Integer> replayed = tableIds(versions, 2);
            assertThat(live.keySet()).isEqualTo(validIds);
            assertThat(live.values()).allMatch(n -> n == 1);
            assertThat(replayed).isEqualTo(live);
            assertThat(versions.require(2).audit()).isEqualTo("passed");
        }
        assertThat(console.both()).doesNotContain(passwords.values().toArray(String[]::new));
    }

    @Test
    @Timeout(120) // a retry loop would never end
    void aWrongPasswordEndsTheCommandNamingTheUserAndTheListener() {
        int exit = Kappa.execute(command("sec-dedup", "not-" + passwords.get("dedup"), null, "dedup", "dedup",
                "--bounded"));
        assertThat(exit).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(oneLine()).contains("Kafka refused the login of principal User:sec-dedup",
                "the SASL_SSL listener at " + SecuredKafka.broker().bootstrapServers() + " (SCRAM-SHA-512)",
                "kafka.properties.sasl.jaas.config");
    }

    @Test
    @Timeout(120)
    void anUntrustedCertificateEndsTheCommandNamingTheTruststore() {
        // no truststore: the JDK's own CAs do not trust the broker's self-signed certificate
        int exit = Kappa.execute(command("sec-dedup", passwords.get("dedup"), List.of("ssl.truststore"), "dedup",
                "dedup", "--bounded"));
        assertThat(exit).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(oneLine()).contains("the TLS handshake with the SASL_SSL listener at "
                + SecuredKafka.broker().bootstrapServers(), "kafka.properties.ssl.truststore.location");
    }

    @Test
    @Timeout(120)
    void missingAclsEndTheCommandNamingEachAclAndThePrincipal() {
        String user = "sec-dedup-without-transactions";
        passwords.put(user, SecuredKafka.createUser(user));
        grantDedup(user, true, false);
        int exit = Kappa.execute(command(user, passwords.get(user), null, "dedup", "dedup", "--bounded"));
        assertThat(exit).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(oneLine()).contains("principal User:" + user + " on the SASL_SSL listener at",
                "lacks the ACL(s) Write on transactional ids with prefix sec-dedup-" + UNIQUE);

        console.clearStderr();
        String writer = "sec-dedup-write-only";
        passwords.put(writer, SecuredKafka.createUser(writer));
        grantDedup(writer, false, true);
        exit = Kappa.execute(command(writer, passwords.get(writer), null, "dedup", "dedup", "--bounded"));
        assertThat(exit).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(oneLine()).contains("principal User:" + writer, "lacks the ACL(s) Read on topic " + DLQ
                + " (an exactly-once sink describes its producers), Read on topic " + UNIQUE);

        console.clearStderr();
        String reader = "sec-no-read";
        passwords.put(reader, SecuredKafka.createUser(reader));
        // sees the topics, but may neither read the log nor commit as its group
        SecuredKafka.allow(reader, ResourceType.TOPIC, "sec.", PatternType.PREFIXED, AclOperation.DESCRIBE);
        exit = Kappa.execute(command(reader, passwords.get(reader), null, "columnar", "columnar", "--bounded"));
        assertThat(exit).isEqualTo(Kappa.BAD_CONFIG);
        assertThat(oneLine()).contains("principal User:" + reader,
                "lacks the ACL(s) Read on topic " + UNIQUE + ", Read on group sec-columnar");
    }

    /** What the command printed on stderr: exactly one line, with no password in it. */
    private String oneLine() {
        String err = console.stderr().strip();
        assertThat(err).as(console.both()).doesNotContain("\n");
        assertThat(err).doesNotContain(passwords.values().toArray(String[]::new));
        return err;
    }

    /** {@code kappa <args>} as the job's own user. */
    private static int run(String job, String... args) {
        return Kappa.execute(command("sec-" + job, passwords.get(job), null, job, args));
    }

    /**
     * {@code kappa <args>} as {@code user}, job.name sec-{@code job}, leaving out the client settings
     * whose key starts with one of {@code without}.
     */
    private static String[] command(String user, String password, List<String> without, String job, String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        List<String> settings = new ArrayList<>(common);
        settings.add("job.name=sec-" + job);
        for (String setting : SecuredKafka.overrides(user, password)) {
            if (without == null || without.stream().noneMatch(prefix -> setting.startsWith("kafka.properties." + prefix))) {
                settings.add(setting);
            }
        }
        for (String setting : settings) {
            line.addAll(List.of("--set", setting));
        }
        return line.toArray(String[]::new);
    }

    private static KappaConfig config(String job) {
        List<String> settings = new ArrayList<>(common);
        settings.add("job.name=sec-" + job);
        settings.addAll(SecuredKafka.overrides("sec-" + job, passwords.get(job)));
        return KappaConfig.load(null, settings, AllOptions.list());
    }

    /** Everything committed on {@code topic}, read as the super user with read_committed. */
    private static List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        KafkaTopicReader.readAll(SecuredKafka.superUserSettings(), topic, Duration.ofMinutes(2), records::add);
        return records;
    }

    /** How often each key (event id) occurs on {@code topic}. */
    private static Map<String, Integer> countIds(String topic) {
        Map<String, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records(topic)) {
            counts.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, Integer> tableIds(TableVersions versions, int version) {
        Map<String, Integer> ids = new HashMap<>();
        for (Record row : IcebergReads.rows(versions, version)) {
            ids.merge((String) row.getField("event_id"), 1, Integer::sum);
        }
        return ids;
    }
}
