package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.kappa.common.config.SecretValues;
import dev.kappa.jobs.cli.Kappa;
import picocli.CommandLine;

/**
 * What can be checked here of files that only run elsewhere (Docker, Kubernetes): they parse, every
 * Flink setting they use is a key Flink 2.2 knows, and they agree with the jar, the CLI and the configs.
 */
class DeploymentFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.[^.]+\\.(.+)");

    private static Set<String> flinkKeys;

    /**
     * Every key of every ConfigOption in the Flink jars on the class path, deprecated ones included,
     * and the settings metric reporters read, ours included.
     */
    @BeforeAll
    static void collectFlinkKeys() throws IOException {
        flinkKeys = new HashSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!new File(entry).getName().startsWith("flink-") || !entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                jar.stream().map(e -> e.getName())
                        .filter(n -> n.startsWith("org/apache/flink/") && !n.contains("$")
                                && (n.endsWith("Options.class") || n.endsWith("ReporterFactory.class")))
                        .forEach(n -> addKeys(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        addKeys(LoopbackPrometheusReporterFactory.class.getName()); // the local cluster's reporter
        assertThat(flinkKeys).contains("execution.checkpointing.interval", "taskmanager.numberOfTaskSlots",
                "host");
    }

    private static void addKeys(String className) {
        Field[] fields;
        try {
            fields = Class.forName(className, false, DeploymentFilesTest.class.getClassLoader()).getDeclaredFields();
        } catch (ClassNotFoundException | LinkageError notLoadable) {
            return; // optional dependencies of some Options classes are absent; their keys are not ours
        }
        for (Field field : fields) {
            // Metric reporters name their settings (metrics.reporter.<name>.port) in ARG_* constants.
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && field.getName().startsWith("ARG_")) {
                try {
                    field.setAccessible(true);
                    flinkKeys.add((String) field.get(null));
                } catch (ReflectiveOperationException | RuntimeException | LinkageError unusable) {
                    // as below
                }
            }
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    field.setAccessible(true);
                    ConfigOption<?> option = (ConfigOption<?>) field.get(null);
                    flinkKeys.add(option.key());
                    for (FallbackKey fallback : option.fallbackKeys()) {
                        flinkKeys.add(fallback.getKey());
                    }
                } catch (ReflectiveOperationException | RuntimeException | LinkageError unusable) {
                    // internal holder classes, or ones whose initializer needs an absent module
                }
            }
        }
    }

    private static void assertFlinkKeys(String where, Iterable<String> keys) {
        List<String> unknown = new ArrayList<>();
        for (String key : keys) {
            Matcher reporter = REPORTER_KEY.matcher(key);
            if (!flinkKeys.contains(key) && !(reporter.matches() && flinkKeys.contains(reporter.group(1)))) {
                unknown.add(key);
            }
        }
        assertThat(unknown).as("keys in " + where + " that Flink 2.2 does not know").isEmpty();
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            it.forEachRemaining(docs::add);
        }
        return docs;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void localClusterConfigUsesOnlyFlinkKeys() throws IOException {
        assertFlinkKeys("conf/flink/config.yaml", fieldNames(documents(ROOT.resolve("conf/flink/config.yaml")).get(0)));
    }

    @Test
    void everyFlinkDeploymentRunsAKappaCommandOfTheImageWithKnownSettings() throws IOException {
        Set<String> commands = new CommandLine(new Kappa()).getSubcommands().keySet();
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
        JsonNode clusterConf = documents(ROOT.resolve("conf/cluster.yaml")).get(0);
        List<String> deployed = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
            for (Path file : files.filter(DeploymentFilesTest::isFlinkDeployment).sorted().toList()) {
                JsonNode deployment = documents(file).get(0);
                assertThat(deployment.path("kind").asText()).isEqualTo("FlinkDeployment");
                JsonNode spec = deployment.path("spec");
                assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
                assertFlinkKeys(file.toString(), fieldNames(spec.path("flinkConfiguration")));
                JsonNode job = spec.path("job");
                assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
                assertThat(job.path("entryClass").asText()).isEqualTo(Kappa.class.getName());
                String command = job.path("args").get(0).asText();
                assertThat(commands).contains(command);
                deployed.add(command);
                String jar = job.path("jarURI").asText().replace("local://", "");
                String conf = job.path("args").get(2).asText();
                assertThat(dockerfile).contains("COPY jobs/target/kappa-jobs.jar " + jar)
                        .contains("COPY conf/cluster.yaml " + conf);
                assertThat(spec.path("flinkConfiguration").path("execution.checkpointing.dir").asText())
                        .as("the operator must look where the job checkpoints (conf/cluster.yaml)")
                        .isEqualTo(clusterConf.path("checkpoint").path("dir").asText());
            }
        }
        assertThat(deployed).containsExactlyInAnyOrder("columnar", "dedup", "ingest");
    }

    @Test
    void dockerImageMatchesTheBuildAndCopiesWhatTheBuildMakes() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<flink.version>(.+)</flink.version>").matcher(pom);
        assertThat(version.find()).isTrue();
        String dockerfile = Files.readString(ROOT.resolve("deploy/docker/Dockerfile"));
        assertThat(dockerfile).contains("FROM flink:" + version.group(1) + "-java17");
        assertThat(Files.readString(ROOT.resolve("jobs/pom.xml"))).contains("<finalName>kappa-jobs</finalName>");
        assertThat(ROOT.resolve("conf/cluster.yaml")).exists();
    }

    @Test
    void topicManifestsMatchTheProductionConfig() throws IOException {
        JsonNode topics = documents(ROOT.resolve("conf/cluster.yaml")).get(0).path("topics");
        List<JsonNode> manifests = documents(ROOT.resolve("deploy/k8s/topics.yaml"));
        List<String> names = new ArrayList<>();
        for (JsonNode topic : manifests) {
            assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
            names.add(topic.path("metadata").path("name").asText());
            assertThat(topic.path("spec").path("partitions").asInt()).isEqualTo(topics.path("partitions").asInt());
            assertThat(topic.path("spec").path("replicas").asInt()).isEqualTo(topics.path("replication-factor").asInt());
            assertThat(topic.path("spec").path("config").path("retention.ms").asLong()).isEqualTo(-1);
        }
        assertThat(names).containsExactlyInAnyOrder(Stream.of("raw", "valid", "dlq", "unique")
                .map(t -> topics.path(t).asText()).toArray(String[]::new));
    }

    private static boolean isFlinkDeployment(Path file) {
        return !List.of("topics.yaml", "users.yaml", "secrets.yaml").contains(file.getFileName().toString());
    }

    private static List<JsonNode> flinkDeployments() throws IOException {
        List<JsonNode> deployments = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
            for (Path file : files.filter(DeploymentFilesTest::isFlinkDeployment).sorted().toList()) {
                deployments.add(documents(file).get(0));
            }
        }
        return deployments;
    }

    /**
     * conf/cluster.yaml logs in over SASL_SSL with SCRAM and a truststore, and each deployment gives it
     * everything it reads from the environment: secrets from a key of a Secret that secrets.yaml lists,
     * the truststore from a Secret mounted where the config looks for it.
     */
    @Test
    void everySecretTheDeploymentsReadIsDeclaredAndTheTruststoreIsWhereTheConfigLooks() throws IOException {
        String clusterYaml = Files.readString(ROOT.resolve("conf/cluster.yaml"));
        JsonNode kafka = documents(ROOT.resolve("conf/cluster.yaml")).get(0).path("kafka").path("properties");
        assertThat(kafka.path("security.protocol").asText()).isEqualTo("SASL_SSL");
        assertThat(kafka.path("sasl.mechanism").asText()).isEqualTo("SCRAM-SHA-512");
        Path truststore = Path.of(kafka.path("ssl.truststore.location").asText());
        Set<String> referenced = new HashSet<>();
        Matcher env = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)").matcher(clusterYaml);
        while (env.find()) {
            referenced.add(env.group(1));
        }
        assertThat(referenced).contains("KAFKA_SASL_JAAS_CONFIG", "KAFKA_TRUSTSTORE_PASSWORD", "KAPPA_PII_KEY");

        Map<String, Set<String>> declared = new HashMap<>();
        for (JsonNode secret : documents(ROOT.resolve("deploy/k8s/secrets.yaml"))) {
            assertThat(secret.path("kind").asText()).isEqualTo("Secret");
            Set<String> keys = new HashSet<>(fieldNames(secret.path("stringData")));
            declared.put(secret.path("metadata").path("name").asText(), keys);
            secret.path("stringData").forEach(value -> assertThat(value.asText()).as("a value in secrets.yaml").isEmpty());
        }
        for (JsonNode deployment : flinkDeployments()) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode pod = deployment.path("spec").path("podTemplate").path("spec");
            JsonNode container = pod.path("containers").get(0);
            Set<String> set = new HashSet<>();
            for (JsonNode variable : container.path("env")) {
                set.add(variable.path("name").asText());
                JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
                if (!ref.isMissingNode()) {
                    assertThat(declared.getOrDefault(ref.path("name").asText(), Set.of()))
                            .as(name + ": Secret " + ref.path("name").asText() + " in secrets.yaml")
                            .contains(ref.path("key").asText());
                } else if (SecretValues.looksSecret(variable.path("name").asText())) {
                    throw new AssertionError(name + " sets " + variable.path("name").asText() + " literally");
                }
            }
            assertThat(set).as(name + " sets what conf/cluster.yaml reads").containsAll(referenced);
            boolean mounted = false;
            for (JsonNode mount : container.path("volumeMounts")) {
                for (JsonNode volume : pod.path("volumes")) {
                    if (volume.path("name").equals(mount.path("name")) && !volume.path("secret").isMissingNode()
                            && truststore.getParent().equals(Path.of(mount.path("mountPath").asText()))) {
                        String secret = volume.path("secret").path("secretName").asText();
                        for (JsonNode item : volume.path("secret").path("items")) {
                            mounted |= item.path("path").asText().equals(truststore.getFileName().toString())
                                    && declared.getOrDefault(secret, Set.of()).contains(item.path("key").asText());
                        }
                    }
                }
            }
            assertThat(mounted).as(name + " mounts a declared Secret at " + truststore).isTrue();
        }
    }

    /**
     * Each deployment logs in as its own Kafka user (users.yaml), whose ACLs cover what its job does
     * under its default name kappa-<command>: its group, and for exactly-once dedup its transactions
     * and the topics it writes, which its sink must also read.
     */
    @Test
    void eachDeploymentLogsInAsAUserWithItsJobsAcls() throws IOException {
        Map<String, List<JsonNode>> aclsByUser = new HashMap<>();
        for (JsonNode user : documents(ROOT.resolve("deploy/k8s/users.yaml"))) {
            assertThat(user.path("kind").asText()).isEqualTo("KafkaUser");
            assertThat(user.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            List<JsonNode> acls = new ArrayList<>();
            user.path("spec").path("authorization").path("acls").forEach(acls::add);
            aclsByUser.put(user.path("metadata").path("name").asText(), acls);
        }
        JsonNode topics = documents(ROOT.resolve("conf/cluster.yaml")).get(0).path("topics");
        for (JsonNode deployment : flinkDeployments()) {
            String command = deployment.path("spec").path("job").path("args").get(0).asText();
            String job = "kappa-" + command;
            String userSecret = null;
            for (JsonNode variable : deployment.path("spec").path("podTemplate").path("spec").path("containers").get(0)
                    .path("env")) {
                if (variable.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG")) {
                    userSecret = variable.path("valueFrom").path("secretKeyRef").path("name").asText();
                }
            }
            assertThat(userSecret).isEqualTo("kappa-kafka-" + command);
            List<JsonNode> acls = aclsByUser.get(job);
            assertThat(acls).as("KafkaUser " + job).isNotNull();
            assertThat(allows(acls, "group", job, "Read")).as(job + " may commit as its group").isTrue();
            if (command.equals("dedup")) {
                assertThat(allows(acls, "transactionalId", job, "Write")).isTrue();
                for (String written : List.of("unique", "dlq")) {
                    assertThat(allows(acls, "topic", topics.path(written).asText(), "Write")
                            && allows(acls, "topic", topics.path(written).asText(), "Read")).as(written).isTrue();
                }
            }
        }
    }

    private static boolean allows(List<JsonNode> acls, String type, String name, String operation) {
        for (JsonNode acl : acls) {
            JsonNode resource = acl.path("resource");
            String pattern = resource.path("name").asText();
            boolean matches = resource.path("patternType").asText().equals("prefix") ? name.startsWith(pattern)
                    : name.equals(pattern);
            List<String> operations = new ArrayList<>();
            acl.path("operations").forEach(o -> operations.add(o.asText()));
            if (resource.path("type").asText().equals(type) && matches
                    && (operations.contains(operation) || operations.contains("All"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * No secret is committed: every secret-looking key in the configs and manifests takes its value
     * from the environment or a Secret, and no key store or private key is in the repository.
     */
    @Test
    void noLiteralSecretAnywhereInTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path yaml : List.of(ROOT.resolve("conf/cluster.yaml"), ROOT.resolve("conf/local.yaml"))) {
            literalSecrets(yaml.toString(), "", documents(yaml).get(0), found);
        }
        Pattern privateKey = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(Files::isRegularFile).filter(f -> !ignored(ROOT.relativize(f))).toList()) {
                String name = file.getFileName().toString();
                if (name.matches(".*\\.(p12|pfx|jks|keystore|truststore|key|pem)")) {
                    found.add(file + ": a key store or key file");
                } else if (Files.size(file) < 2_000_000
                        && privateKey.matcher(Files.readString(file, StandardCharsets.ISO_8859_1)).find()) {
                    found.add(file + ": a private key");
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /** Build output, local state and dependencies are not the repository's own files. */
    private static boolean ignored(Path relative) {
        String first = relative.getName(0).toString();
        return first.startsWith(".") || relative.toString().contains("/target/") || relative.startsWith("target")
                || relative.toString().contains("node_modules");
    }

    private static void literalSecrets(String file, String prefix, JsonNode node, List<String> found) {
        node.fields().forEachRemaining(field -> {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                literalSecrets(file, key, field.getValue(), found);
            } else if (SecretValues.looksSecret(key) && !field.getValue().asText().matches("(\\$\\{env:[^}]+}\\s*)*")) {
                found.add(file + ": " + key + " has a literal value");
            }
        });
    }

    @Test
    void anUnknownKeyIsCaught() {
        assertThat(REPORTER_KEY.matcher("metrics.reporter.prom.port").matches()).isTrue();
        assertThatThrownBy(() -> assertFlinkKeys("a typo",
                List.of("taskmanager.numberOfTaskSlot", "metrics.reporter.prom.prot")))
                .hasMessageContaining("taskmanager.numberOfTaskSlot").hasMessageContaining("metrics.reporter.prom.prot");
        assertFlinkKeys("real keys", List.of("taskmanager.numberOfTaskSlots", "metrics.reporter.prom.port",
                "metrics.reporter.prom.factory.class"));
    }
}
