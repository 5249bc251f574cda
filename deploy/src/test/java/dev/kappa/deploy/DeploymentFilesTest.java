package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
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
     * and the settings metric reporters read.
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
        assertThat(flinkKeys).contains("execution.checkpointing.interval", "taskmanager.numberOfTaskSlots");
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
            for (Path file : files.filter(f -> !f.endsWith("topics.yaml")).sorted().toList()) {
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
