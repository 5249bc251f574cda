package dev.kappa.common.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LocalKafkaBroker;

/**
 * One secured broker per test JVM (SASL_SSL, SCRAM-SHA-512, ACLs: {@link LocalKafkaBroker#startSecured}),
 * started on first use, and what a test needs to set up users and their ACLs on it as its super user.
 */
public final class SecuredKafka {

    private static LocalKafkaBroker broker;

    private SecuredKafka() {
    }

    public static synchronized LocalKafkaBroker broker() {
        if (broker == null) {
            try {
                broker = LocalKafkaBroker.startSecured(Files.createTempDirectory("kappa-test-secured-kafka-"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            LocalKafkaBroker started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-secured-test-kafka"));
        }
        return broker;
    }

    /** Creates a SCRAM user with a random password, and returns the password. */
    public static String createUser(String user) {
        String password = "pw-" + UUID.randomUUID();
        try (Admin admin = superUser()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot create SCRAM user " + user, e);
        }
        return password;
    }

    /** Allows {@code user} each operation on the resource ({@code PatternType.PREFIXED} for a name prefix). */
    public static void allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations) {
        List<AclBinding> bindings = new ArrayList<>();
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
        }
        try (Admin admin = superUser()) {
            admin.createAcls(bindings).all().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot create ACLs " + bindings, e);
        }
    }

    /** The same as {@code kappa --set} overrides. */
    public static List<String> overrides(String user, String password) {
        List<String> overrides = new ArrayList<>(List.of("kafka.bootstrap-servers=" + broker().bootstrapServers()));
        broker().clientProperties(user, password)
                .forEach((key, value) -> overrides.add("kafka.properties." + key + "=" + value));
        return overrides;
    }

    /** How the super user, who may do anything, reaches the broker: for setting up a test and checking its result. */
    public static KafkaSettings superUserSettings() {
        return new KafkaSettings(broker().bootstrapServers(), broker().superUserProperties(),
                CommonOptions.TRANSACTION_TIMEOUT.defaultValue());
    }

    private static Admin superUser() {
        return Admin.create(superUserSettings().toProperties());
    }
}
