package dev.kappa.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.InvalidTxnTimeoutException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.ConfigException;

/**
 * Start-up checks against the real broker. They turn what would otherwise be a job that fails
 * after submission and restarts forever (a missing topic, a transaction timeout the broker
 * refuses) into one clear error before anything runs.
 */
public final class KafkaAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAdmin.class);

    /** A record batch's header plus one record's framing, with room to spare. */
    private static final int RECORD_FRAMING_BYTES = 1024;

    private static final long TIMEOUT_SECONDS = 30;

    private final KafkaSettings kafka;
    private final Admin admin;

    public KafkaAdmin(KafkaSettings kafka) {
        this.kafka = kafka;
        var props = kafka.toProperties();
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        this.admin = Admin.create(props);
    }

    /**
     * Creates the topics that do not exist yet, keeping their data forever ({@code retention.ms=-1}):
     * the log is the source of truth, and a replay can only rebuild what it still holds. Shorten the
     * retention of topics.raw or topics.dlq deliberately if they need not be kept.
     */
    public void createTopicsIfMissing(Collection<String> topics, int partitions, int replicationFactor) {
        List<NewTopic> wanted = topics.stream().distinct()
                .map(t -> new NewTopic(t, partitions, (short) replicationFactor)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
                .toList();
        for (var entry : admin.createTopics(wanted).values().entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("cannot create topic " + entry.getKey(), e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("cannot create topic " + entry.getKey(), e);
            }
        }
        awaitVisible(wanted.stream().map(NewTopic::name).toList());
    }

    /**
     * The controller acknowledges a new topic before the broker answering metadata requests has
     * applied it; a job started right after {@code kappa topics create} would then be refused.
     */
    private void awaitVisible(List<String> topics) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!await(admin.listTopics().names(), "cannot list topics").containsAll(topics)) {
            if (System.nanoTime() > deadline) {
                throw new ConfigException("topic(s) " + topics + " created on " + kafka.bootstrapServers()
                        + " but not visible after " + TIMEOUT_SECONDS + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw failure("waiting for topics " + topics, e);
            }
        }
    }

    public void requireTopics(Collection<String> topics) {
        Set<String> existing = await(admin.listTopics().names(), "cannot list topics");
        List<String> missing = topics.stream().filter(t -> !existing.contains(t)).distinct().toList();
        if (!missing.isEmpty()) {
            throw new ConfigException("topic(s) " + missing + " do not exist on " + kafka.bootstrapServers()
                    + ": create them (kappa topics create) or fix the topics.* settings");
        }
    }

    /**
     * Checks that the configured principal may do what a job does on Kafka: read {@code reads} and
     * commit its offsets as {@code group}, write {@code writes}. A missing ACL would otherwise fail the
     * job after submission, on every restart; here it fails once, naming every ACL to grant.
     */
    public void verifyAccess(String group, Collection<String> reads, Collection<String> writes) {
        List<String> missing = new ArrayList<>();
        Set<String> topics = new TreeSet<>(reads);
        topics.addAll(writes);
        Map<String, Set<AclOperation>> allowed = allowedOn(topics);
        for (String topic : topics) {
            if (reads.contains(topic) && !allowed.get(topic).contains(AclOperation.READ)) {
                missing.add("Read on topic " + topic);
            }
            if (writes.contains(topic) && !allowed.get(topic).contains(AclOperation.WRITE)) {
                missing.add("Write on topic " + topic);
            }
        }
        if (!reads.isEmpty()) {
            try {
                Set<AclOperation> onGroup = admin.describeConsumerGroups(List.of(group),
                        new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                        .describedGroups().get(group).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).authorizedOperations();
                if (onGroup != null && !onGroup.contains(AclOperation.READ)) {
                    missing.add("Read on group " + group);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupAuthorizationException) {
                    missing.add("Read on group " + group);
                } else if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    // a group that does not exist yet was described, so Describe is allowed; whether Read is,
                    // the broker tells only of an existing group (without it, offset commits fail with a warning)
                    throw failure("cannot describe consumer group " + group, e.getCause());
                }
            } catch (InterruptedException | TimeoutException e) {
                throw failure("cannot describe consumer group " + group, e);
            }
        }
        if (!missing.isEmpty()) {
            throw accessDenied(missing);
        }
    }

    /**
     * Checks the transactions of the exactly-once sinks job {@code jobName} writes {@code topics} with:
     * the transaction timeout must outlast the longest a transaction stays open (Kafka would abort one a
     * slow checkpoint still commits), the broker must accept it ({@code transaction.max.timeout.ms}),
     * and the principal must hold Write on the sinks' transactional ids. The broker answers the last
     * two itself: a producer initializes one id of each sink's prefix, as the sink will.
     */
    public void verifyTransactions(String jobName, Collection<String> topics, Duration longestTransaction) {
        Duration timeout = kafka.transactionTimeout();
        String key = CommonOptions.TRANSACTION_TIMEOUT.key();
        if (timeout.compareTo(longestTransaction) <= 0) {
            throw new ConfigException(key + " (" + TimeUtils.formatWithHighestUnit(timeout)
                    + ") must exceed the longest a transaction stays open, "
                    + TimeUtils.formatWithHighestUnit(longestTransaction) + " (checkpoint.interval + "
                    + "checkpoint.timeout, times 1 + the tolerated failed checkpoints): Kafka would abort a "
                    + "transaction that a slow checkpoint still commits, and its records would be lost. Raise "
                    + key + " or lower checkpoint.timeout");
        }
        // the sink looks for transactions an earlier run left open among the producers of its topics,
        // which Kafka shows only to a principal that may read them
        List<String> missing = new ArrayList<>();
        allowedOn(topics).forEach((topic, operations) -> {
            if (!operations.contains(AclOperation.READ)) {
                missing.add("Read on topic " + topic + " (an exactly-once sink describes its producers)");
            }
        });
        if (!missing.isEmpty()) {
            throw accessDenied(missing);
        }
        for (String topic : topics) {
            initTransactions(KafkaConnectors.transactionalIdPrefix(jobName, topic), timeout);
        }
    }

    /** What the principal may do on each topic; nothing on a topic it may not even describe. */
    private Map<String, Set<AclOperation>> allowedOn(Collection<String> topics) {
        var described = admin.describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                .topicNameValues();
        Map<String, Set<AclOperation>> allowed = new TreeMap<>();
        for (String topic : topics) {
            try {
                allowed.put(topic, described.get(topic).get(TIMEOUT_SECONDS, TimeUnit.SECONDS).authorizedOperations());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicAuthorizationException)) {
                    throw failure("cannot describe topic " + topic, e.getCause());
                }
                allowed.put(topic, Set.of());
            } catch (InterruptedException | TimeoutException e) {
                throw failure("cannot describe topic " + topic, e);
            }
        }
        return allowed;
    }

    private void initTransactions(String prefix, Duration timeout) {
        String key = CommonOptions.TRANSACTION_TIMEOUT.key();
        Properties props = kafka.toProperties();
        // never opens a transaction, so the sink's recovery, which aborts open ones, never sees this id
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-access-check");
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(timeout.toMillis()));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
        } catch (KafkaException e) {
            // the producer reports this refusal as a plain KafkaException that only quotes the broker's error
            if (ExceptionUtils.findThrowable(e, InvalidTxnTimeoutException.class).isPresent()
                    || String.valueOf(e.getMessage()).contains(Errors.INVALID_TRANSACTION_TIMEOUT.message())) {
                throw new ConfigException(key + " (" + TimeUtils.formatWithHighestUnit(timeout)
                        + ") exceeds the broker's transaction.max.timeout.ms on " + kafka.bootstrapServers()
                        + " (the broker refused it): lower " + key + " or raise the broker limit");
            }
            if (ExceptionUtils.findThrowable(e, TransactionalIdAuthorizationException.class).isPresent()) {
                throw accessDenied(List.of("Write on transactional ids with prefix " + prefix));
            }
            throw failure("cannot start a transaction", e);
        }
    }

    private ConfigException accessDenied(List<String> missing) {
        return new ConfigException(kafka.principal() + " on " + kafka.listener() + " lacks the ACL(s) "
                + String.join(", ", missing) + ": grant them (README, Security: the ACLs of each job)");
    }

    /**
     * Each partition's offset for {@code spec} as a read_committed consumer sees it: for
     * {@link OffsetSpec#latest()} the last stable offset, so a range ending there holds no open
     * transaction. A timestamp past a partition's last record yields its end offset.
     */
    public Map<Integer, Long> offsets(String topic, OffsetSpec spec) {
        TopicDescription description = await(admin.describeTopics(List.of(topic)).allTopicNames(),
                "cannot describe topic " + topic).get(topic);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = await(
                admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(),
                "cannot list offsets of " + topic);
        Map<Integer, Long> ends = null;
        Map<Integer, Long> offsets = new TreeMap<>();
        for (var entry : answer.entrySet()) {
            int partition = entry.getKey().partition();
            long offset = entry.getValue().offset();
            if (offset < 0) { // no record at or after the timestamp
                if (ends == null) {
                    ends = offsets(topic, OffsetSpec.latest());
                }
                offset = ends.get(partition);
            }
            offsets.put(partition, offset);
        }
        return offsets;
    }

    /** The offsets a consumer group has committed on {@code topic}; partitions without a commit are absent. */
    public Map<Integer, Long> committedOffsets(String group, String topic) {
        Map<Integer, Long> offsets = new TreeMap<>();
        groupOffsets(group).forEach((partition, offset) -> {
            if (partition.topic().equals(topic)) {
                offsets.put(partition.partition(), offset);
            }
        });
        return offsets;
    }

    /**
     * For each topic a consumer group has committed offsets on: how many records a read_committed
     * consumer could still read past them. Flink's Kafka source commits at each checkpoint, so this
     * is the backlog of the job that uses the group, as of its last checkpoint.
     */
    public Map<String, Long> lag(String group) {
        Map<String, Long> lag = new TreeMap<>();
        Map<String, Map<Integer, Long>> ends = new HashMap<>();
        groupOffsets(group).forEach((partition, offset) -> {
            long end = ends.computeIfAbsent(partition.topic(), topic -> offsets(topic, OffsetSpec.latest()))
                    .getOrDefault(partition.partition(), offset);
            lag.merge(partition.topic(), Math.max(0, end - offset), Long::sum);
        });
        return lag;
    }

    private Map<TopicPartition, Long> groupOffsets(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed = await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(),
                "cannot read the offsets of consumer group " + group);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    /**
     * What the retention of a log topic a job reads will do to it, if anything: a finite retention or
     * compaction removes records that a job falling that far behind, or a replay, still needs. Such a
     * job stops rather than skip them ({@link LogSource}); this says so, as a warning in the log, before
     * it starts, and returns what it said.
     */
    public Optional<String> checkRetention(String topic) {
        Config config = topicConfig(topic);
        List<String> removes = new ArrayList<>();
        String millis = value(config, TopicConfig.RETENTION_MS_CONFIG);
        if (millis != null && Long.parseLong(millis) >= 0) {
            removes.add("deletes records after "
                    + TimeUtils.formatWithHighestUnit(Duration.ofMillis(Long.parseLong(millis))) + " (retention.ms)");
        }
        String bytes = value(config, TopicConfig.RETENTION_BYTES_CONFIG);
        if (bytes != null && Long.parseLong(bytes) >= 0) {
            removes.add("deletes the oldest records beyond " + bytes + " bytes per partition (retention.bytes)");
        }
        String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy != null && policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
            removes.add("compacts away all but the newest record of each key (cleanup.policy=compact)");
        }
        if (removes.isEmpty()) {
            return Optional.empty();
        }
        String warning = "topic " + topic + " " + String.join(" and ", removes) + ": a job that falls that far "
                + "behind stops rather than skip them, and a replay rebuilds only what is left. Set retention.ms=-1, "
                + "retention.bytes=-1 and cleanup.policy=delete on it to keep the log whole";
        LOG.warn(warning);
        return Optional.of(warning);
    }

    private Config topicConfig(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return await(admin.describeConfigs(List.of(resource)).all(), "cannot read the configuration of topic " + topic)
                .get(resource);
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config.get(name);
        return entry == null ? null : entry.value();
    }

    /**
     * The largest record (key, value and header bytes) a producer of the suite can write to
     * {@code topic}: the smaller of the topic's {@code max.message.bytes} and the producer's
     * {@code max.request.size}, less room for Kafka's batch and record framing and for lz4's growth on
     * incompressible data. A larger record fails the producer, and with it the job, on every restart.
     */
    public int maxRecordBytes(String topic) {
        String topicLimit = value(topicConfig(topic), TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        long limit = topicLimit == null ? Integer.MAX_VALUE : Long.parseLong(topicLimit);
        limit = Math.min(limit, Long.parseLong(kafka.clientProperties().getOrDefault(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "1048576")));
        return (int) Math.max(0, limit - RECORD_FRAMING_BYTES - limit / 64);
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw failure(what, e);
        }
    }

    private ConfigException failure(String what, Throwable cause) {
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Optional<SaslAuthenticationException> login = ExceptionUtils.findThrowable(cause,
                SaslAuthenticationException.class);
        if (login.isPresent()) {
            return new ConfigException(what + ": Kafka refused the login of " + kafka.principal() + " on "
                    + kafka.listener() + " (" + login.get().getMessage() + "): check the user and password in "
                    + "kafka.properties.sasl.jaas.config and kafka.properties.sasl.mechanism");
        }
        if (ExceptionUtils.findThrowable(cause, SslAuthenticationException.class).isPresent()) {
            return new ConfigException(what + ": the TLS handshake with " + kafka.listener() + " failed ("
                    + innermost(cause).getMessage() + "): if the broker's certificate is not trusted, point "
                    + "kafka.properties.ssl.truststore.location at a truststore that holds its CA");
        }
        Optional<AuthorizationException> denied = ExceptionUtils.findThrowable(cause, AuthorizationException.class);
        if (denied.isPresent()) {
            return new ConfigException(what + ": " + kafka.principal() + " on " + kafka.listener()
                    + " is not allowed to (" + denied.get().getMessage() + "): grant the ACL (README, Security)");
        }
        String reason = cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException
                ? "no answer within " + TIMEOUT_SECONDS + " s" : cause.getMessage();
        return new ConfigException(what + " at " + kafka.bootstrapServers() + ": " + reason);
    }

    private static Throwable innermost(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
