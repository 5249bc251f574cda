package dev.kappa.common.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

import dev.kappa.common.config.CommonOptions;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM, built
 * from the Maven artifacts on this JVM's class path. Used by the demo, the test kit and the
 * benchmarks; production points {@code kafka.bootstrap-servers} at a real cluster instead.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path dataDir;
    private final String bootstrapServers;
    private final SecuredListener security;

    private LocalKafkaBroker(Process process, Path dataDir, String bootstrapServers, SecuredListener security) {
        this.process = process;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
        this.security = security;
    }

    /** Starts a PLAINTEXT broker with its logs and data under {@code dataDir} and waits until it answers. */
    public static LocalKafkaBroker start(Path dataDir) {
        return start(dataDir, null);
    }

    /**
     * Starts a broker that accepts clients only over SASL_SSL with SCRAM-SHA-512 and authorizes every
     * request by ACL ({@link SecuredListener}): the settings of a production cluster, to prove the
     * suite against them. Clients connect with {@link #clientProperties}.
     */
    public static LocalKafkaBroker startSecured(Path dataDir) {
        try {
            return start(dataDir, SecuredListener.create(dataDir.resolve("tls")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a secured Kafka broker in " + dataDir, e);
        }
    }

    private static LocalKafkaBroker start(Path dataDir, SecuredListener security) {
        try {
            Files.createDirectories(dataDir);
            int port = freePort();
            int controllerPort = freePort();
            Path properties = writeServerProperties(dataDir, port, controllerPort);
            if (security != null) {
                security.configure(properties, port, controllerPort);
            }
            Path log4j = dataDir.resolve("log4j2.properties");
            Files.writeString(log4j, logConfig(dataDir.resolve("broker.log")));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx1g", "-XX:+UseParallelGC",
                    "-Dlog4j2.configurationFile=" + log4j.toUri(),
                    "-cp", System.getProperty("java.class.path"),
                    BrokerMain.class.getName(), properties.toString(), Uuid.randomUuid().toString()));
            if (security != null) {
                // the super user's SCRAM credential has to be in the storage before the broker starts
                command.add(security.formatCredentials().toString());
            }
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("broker.out").toFile())
                    .start();
            LocalKafkaBroker broker = new LocalKafkaBroker(process, dataDir, "127.0.0.1:" + port, security);
            broker.awaitReady();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local Kafka broker in " + dataDir, e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The Kafka client settings ({@code kafka.properties.*}) of {@code user} on this broker: none on a
     * PLAINTEXT broker, else SASL_SSL with SCRAM-SHA-512 and a truststore holding the broker's certificate.
     */
    public Map<String, String> clientProperties(String user, String password) {
        return security == null ? Map.of() : security.clientProperties(user, password);
    }

    /** The client settings of the broker's super user, who may do anything, ACLs included. */
    public Map<String, String> superUserProperties() {
        return security == null ? Map.of() : security.superUserProperties();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        var props = new KafkaSettings(bootstrapServers, superUserProperties(),
                CommonOptions.TRANSACTION_TIMEOUT.defaultValue()).toProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(props)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka broker exited with code " + process.exitValue()
                            + " during start-up; see " + dataDir.resolve("broker.out"));
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // The listener is not up yet: try again until the deadline.
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
        throw new IllegalStateException("Kafka broker did not answer within " + START_TIMEOUT.toSeconds()
                + " s; see " + dataDir.resolve("broker.out"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A loopback port nothing listens on right now, for a process about to be started here. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** The single-node KRaft configuration every local broker uses, tests and deploy/local alike. */
    static Path writeServerProperties(Path dataDir, int port, int controllerPort) throws IOException {
        Path properties = dataDir.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("data"),
                "num.partitions=2",
                // Topics are created explicitly; a typo in a topic name must fail, not create a topic.
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") + "\n");
        return properties;
    }

    private static String logConfig(Path logFile) {
        String file = logFile.toString().replace("\\", "/");
        return String.join("\n",
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.file.ref=file",
                "appender.file.type=File",
                "appender.file.name=file",
                "appender.file.fileName=" + file,
                "appender.file.layout.type=PatternLayout",
                "appender.file.layout.pattern=%d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                "") + "\n";
    }
}
