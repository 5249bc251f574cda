package dev.kappa.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerConfig;

import dev.kappa.common.kafka.KafkaConnectors;

/**
 * The broker's own limits, measured with Kafka's perf tools as shipped (each in its own JVM, as a
 * user would run them): records/s produced with the producer settings the jobs' sinks use, and
 * consumed by a plain consumer.
 */
final class KafkaTools {

    private static final Pattern PRODUCED = Pattern.compile("records sent, ([0-9.]+) records/sec");

    /**
     * The raw producer baseline's settings: the suite's sinks' batching and compression, every
     * record acknowledged by all replicas and written once (idempotent), as an exactly-once sink's are.
     */
    static final Map<String, String> RAW_PRODUCER = rawProducer();

    private static Map<String, String> rawProducer() {
        Map<String, String> producer = new HashMap<>(KafkaConnectors.SINK_PRODUCER);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return Map.copyOf(producer);
    }

    private KafkaTools() {
    }

    /** ProducerPerformance: {@code records} records drawn from {@code payloads} (one per line). */
    static double produce(String bootstrap, String topic, long records, Path payloads, Map<String, String> producer,
            Path log) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--topic", topic, "--num-records",
                Long.toString(records), "--throughput", "-1", "--payload-file", payloads.toString(),
                "--producer-props", "bootstrap.servers=" + bootstrap));
        producer.forEach((key, value) -> args.add(key + "=" + value));
        String output = ChildJvm.run(log, "1g", "org.apache.kafka.tools.ProducerPerformance", args);
        Matcher matcher = PRODUCED.matcher(output);
        Double last = null;
        while (matcher.find()) {
            last = Double.parseDouble(matcher.group(1));
        }
        if (last == null) {
            throw new IllegalStateException("no throughput in ProducerPerformance's output (" + log + ")");
        }
        return last;
    }

    /** ConsumerPerformance over {@code records} records of {@code topic}: records/s while fetching. */
    static double consume(String bootstrap, String topic, long records, String group, Path log)
            throws IOException, InterruptedException {
        String output = ChildJvm.run(log, "1g", "org.apache.kafka.tools.ConsumerPerformance",
                List.of("--bootstrap-server", bootstrap, "--topic", topic, "--messages", Long.toString(records),
                        "--group", group, "--timeout", "60000"));
        return column(output, "fetch.nMsg.sec");
    }

    /** A column of ConsumerPerformance's one-line CSV report, found by its header. */
    static double column(String output, String name) {
        String[] lines = output.lines().filter(line -> !line.isBlank() && !line.startsWith("WARNING")
                && !line.contains(" WARN ") && !line.contains(" INFO ")).toArray(String[]::new);
        for (int i = 0; i + 1 < lines.length; i++) {
            List<String> header = List.of(lines[i].split(",\\s*"));
            int index = header.indexOf(name);
            if (index >= 0) {
                return Double.parseDouble(lines[i + 1].split(",\\s*")[index].trim());
            }
        }
        throw new IllegalStateException("no " + name + " in ConsumerPerformance's output:\n" + output);
    }
}
