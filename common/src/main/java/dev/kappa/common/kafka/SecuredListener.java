package dev.kappa.common.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What makes a {@link LocalKafkaBroker} a production-like one: clients connect over SASL_SSL and
 * log in with SCRAM-SHA-512; every request is authorized by ACL (KRaft's StandardAuthorizer, nothing
 * allowed without one); the controller listener takes only the broker's own certificate (mutual TLS).
 * The key pair and the passwords are made fresh for each broker with the JDK's keytool, so no key or
 * password is ever checked in.
 */
final class SecuredListener {

    static final String MECHANISM = "SCRAM-SHA-512";
    static final String SUPER_USER = "kafka-admin";
    /** The broker's certificate names it; over mutual TLS that is its principal on the controller listener. */
    private static final String BROKER_DN = "CN=kappa-local-broker";

    private final Path dir;
    private final String storePassword;
    private final String superUserPassword;

    private SecuredListener(Path dir, String storePassword, String superUserPassword) {
        this.dir = dir;
        this.storePassword = storePassword;
        this.superUserPassword = superUserPassword;
    }

    /** A self-signed key pair for 127.0.0.1 in {@code dir}, and a truststore that holds its certificate. */
    static SecuredListener create(Path dir) throws IOException {
        Files.createDirectories(dir);
        SecuredListener listener = new SecuredListener(dir, randomSecret(), randomSecret());
        Path certificate = dir.resolve("broker.crt");
        listener.keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", BROKER_DN, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "30",
                "-keystore", listener.keystore().toString(), "-storetype", "PKCS12");
        listener.keytool("-exportcert", "-alias", "broker", "-keystore", listener.keystore().toString(),
                "-file", certificate.toString());
        listener.keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", listener.truststore().toString(), "-storetype", "PKCS12");
        return listener;
    }

    private Path truststore() {
        return dir.resolve("truststore.p12");
    }

    private Path keystore() {
        return dir.resolve("broker.p12");
    }

    /** Replaces the PLAINTEXT listeners of {@code serverProperties} with secured ones. */
    void configure(Path serverProperties, int port, int controllerPort) throws IOException {
        Map<String, String> secured = new LinkedHashMap<>();
        secured.put("listeners", "SASL_SSL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        secured.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + port);
        secured.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
        secured.put("inter.broker.listener.name", "SASL_SSL");
        secured.put("sasl.enabled.mechanisms", MECHANISM);
        secured.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        secured.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(SUPER_USER, superUserPassword));
        secured.put("listener.name.controller.ssl.client.auth", "required");
        secured.put("ssl.keystore.type", "PKCS12");
        secured.put("ssl.keystore.location", keystore().toString());
        secured.put("ssl.keystore.password", storePassword);
        secured.put("ssl.key.password", storePassword);
        secured.put("ssl.truststore.type", "PKCS12");
        secured.put("ssl.truststore.location", truststore().toString());
        secured.put("ssl.truststore.password", storePassword);
        secured.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        secured.put("allow.everyone.if.no.acl.found", "false");
        secured.put("super.users", "User:" + SUPER_USER + ";User:" + BROKER_DN);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(serverProperties)) {
            int eq = line.indexOf('=');
            if (eq < 0 || !secured.containsKey(line.substring(0, eq))) {
                lines.add(line);
            }
        }
        secured.forEach((key, value) -> lines.add(key + "=" + value));
        Files.write(serverProperties, lines);
    }

    /**
     * A file holding the storage tool's arguments that add the super user's SCRAM credential, for
     * {@link BrokerMain}: a file, as a command line is visible to every user of the machine.
     */
    Path formatCredentials() throws IOException {
        Path file = dir.resolve("format-credentials");
        Files.write(file, List.of("--add-scram", MECHANISM + "=[name=" + SUPER_USER + ",password=" + superUserPassword + "]"));
        return file;
    }

    Map<String, String> clientProperties(String user, String password) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", MECHANISM,
                "sasl.jaas.config", jaas(user, password),
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", truststore().toString(),
                "ssl.truststore.password", storePassword);
    }

    Map<String, String> superUserProperties() {
        return clientProperties(SUPER_USER, superUserPassword);
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    private static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        // the password is read from the environment, not the command line
        command.addAll(List.of("-storepass:env", "KAPPA_STORE_PASSWORD"));
        if (args[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass:env", "KAPPA_STORE_PASSWORD"));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KAPPA_STORE_PASSWORD", storePassword);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
