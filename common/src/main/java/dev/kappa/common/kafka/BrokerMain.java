package dev.kappa.common.kafka;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Entry point of the child JVM that {@link LocalKafkaBroker} starts: formats the KRaft storage,
 * then runs Kafka's own broker. It exits when its parent goes away (standard input closes), so a
 * demo or test killed with -9 leaves no broker behind.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) {
        String propertiesFile = args[0];
        String clusterId = args[1];
        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", clusterId, "-c", propertiesFile, "--ignore-formatted"},
                new PrintStream(System.err, true));
        if (formatted != 0) {
            System.err.println("kafka storage format failed with exit code " + formatted);
            System.exit(formatted);
        }
        Thread watchdog = new Thread(BrokerMain::exitWhenParentGone, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(new String[] {propertiesFile});
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
