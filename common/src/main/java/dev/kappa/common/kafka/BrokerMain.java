package dev.kappa.common.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.Uuid;

/**
 * Entry point of the child JVM that {@link LocalKafkaBroker} starts: formats the KRaft storage,
 * then runs Kafka's own broker. It exits when its parent goes away (standard input closes), so a
 * demo or test killed with -9 leaves no broker behind.
 *
 * <p>{@code --standalone <data dir> <port> <controller port>} is the broker of deploy/local/cluster:
 * same configuration, no parent, it runs until stopped and keeps its data across restarts.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--standalone")) {
            Path dataDir = Path.of(args[1]);
            Files.createDirectories(dataDir);
            Path properties = LocalKafkaBroker.writeServerProperties(dataDir, Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]));
            format(properties.toString(), clusterId(dataDir.resolve("cluster.id")), List.of());
            kafka.Kafka.main(new String[] {properties.toString()});
            return;
        }
        String propertiesFile = args[0];
        // a third argument is a file of further storage tool arguments (SecuredListener.formatCredentials)
        List<String> extraArgs = List.of();
        if (args.length > 2) {
            extraArgs = Files.readAllLines(Path.of(args[2]));
            Files.delete(Path.of(args[2])); // it holds a password, needed only once
        }
        format(propertiesFile, args[1], extraArgs);
        Thread watchdog = new Thread(BrokerMain::exitWhenParentGone, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(new String[] {propertiesFile});
    }

    /** A restarted broker must present the id its storage was formatted with. */
    private static String clusterId(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, Uuid.randomUuid().toString());
        }
        return Files.readString(file).strip();
    }

    /** Formats the storage once; {@code --ignore-formatted} keeps the data of an earlier run. */
    private static void format(String propertiesFile, String clusterId, List<String> extraArgs) {
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propertiesFile,
                "--ignore-formatted"));
        args.addAll(extraArgs);
        int formatted = kafka.tools.StorageTool.execute(args.toArray(String[]::new), new PrintStream(System.err, true));
        if (formatted != 0) {
            System.err.println("kafka storage format failed with exit code " + formatted);
            System.exit(formatted);
        }
    }

    private static void exitWhenParentGone() {
        try {
            while (System.in.read() != -1) {
                // Only end-of-stream matters: the parent holds the other end of the pipe.
            }
        } catch (IOException ignored) {
            // A broken pipe means the same as end-of-stream.
        }
        System.exit(0);
    }
}
