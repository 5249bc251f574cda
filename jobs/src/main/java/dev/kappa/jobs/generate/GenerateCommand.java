package dev.kappa.jobs.generate;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kappa.common.config.CommonOptions;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.jobs.cli.ConfigMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sends deterministic synthetic events, with duplicates, malformed and late ones, to a topic. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Send deterministic synthetic events to topics.raw (or --topic): unique events, resends "
                + "(duplicates), malformed records and late events, in the ratios given.")
public final class GenerateCommand implements Runnable {

    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    @Mixin
    ConfigMixin config;

    @Option(names = "--count", defaultValue = "100000", description = "Records to send (default ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "0",
            description = "Records per second; 0 sends as fast as the broker takes them (default ${DEFAULT-VALUE}).")
    long rate;

    @Option(names = "--duplicates", defaultValue = "0.1",
            description = "Fraction of records that resend an earlier event; mostly recent ones, a fifth from "
                    + "anywhere earlier (default ${DEFAULT-VALUE}).")
    double duplicates;

    @Option(names = "--malformed", defaultValue = "0.02",
            description = "Fraction of broken records, of every kind ingest rejects (default ${DEFAULT-VALUE}).")
    double malformed;

    @Option(names = "--late", defaultValue = "0.05",
            description = "Fraction of events whose time lies 10 min to 3 h before their neighbours' "
                    + "(default ${DEFAULT-VALUE}).")
    double late;

    @Option(names = "--seed", defaultValue = "42", description = "Same seed, same bytes (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", defaultValue = "2026-01-01T00:00:00Z",
            description = "Event time of the first event (default ${DEFAULT-VALUE}).")
    Instant start;

    @Option(names = "--span", defaultValue = "PT6H",
            description = "Event time covered by all events, ISO-8601 duration (default ${DEFAULT-VALUE}).")
    Duration span;

    @Option(names = "--topic", description = "Target topic (default: topics.raw from the config).")
    String topic;

    @Override
    public void run() {
        KappaConfig conf = config.load();
        String target = topic != null ? topic : conf.get(CommonOptions.TOPIC_RAW);
        KafkaSettings kafka = KafkaSettings.from(conf);
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            admin.createTopicsIfMissing(List.of(target), conf.get(CommonOptions.TOPIC_PARTITIONS),
                    conf.get(CommonOptions.TOPIC_REPLICATION));
        }
        EventGenerator.Spec spec = new EventGenerator.Spec(count, duplicates, malformed, late, seed, start, span);
        Counts counts = send(kafka, target, spec, rate, System.err);
        System.out.println("generated " + counts + " to " + target);
    }

    /** What was sent, by kind. */
    public record Counts(long unique, long duplicates, long malformed) {
        public long total() {
            return unique + duplicates + malformed;
        }

        @Override
        public String toString() {
            return total() + " records (" + unique + " unique events, " + duplicates + " duplicates, " + malformed
                    + " malformed)";
        }
    }

    /** Sends every generated record and waits until the broker has acknowledged all of them. */
    public static Counts send(KafkaSettings kafka, String topic, EventGenerator.Spec spec, long rate,
            PrintStream progress) {
        Properties props = kafka.toProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        EventGenerator generator = new EventGenerator(spec);
        long[] byKind = new long[EventGenerator.Kind.values().length];
        long started = System.nanoTime();
        long lastProgress = started;
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            while (generator.hasNext()) {
                EventGenerator.Generated record = generator.next();
                producer.send(new ProducerRecord<>(topic, record.value()), (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                byKind[record.kind().ordinal()]++;
                sent++;
                if (rate > 0) {
                    pace(started, sent, rate);
                }
                long now = System.nanoTime();
                if (now - lastProgress > PROGRESS_EVERY_NANOS) {
                    lastProgress = now;
                    progress.printf("generate: %d of %d sent (%.0f records/s)%n", sent, spec.count(),
                            sent / ((now - started) / 1e9));
                }
            }
            producer.flush();
            if (failure.get() != null) {
                throw new IllegalStateException("sending to " + topic + " failed: " + failure.get().getMessage(),
                        failure.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        }
        return new Counts(byKind[EventGenerator.Kind.UNIQUE.ordinal()], byKind[EventGenerator.Kind.DUPLICATE.ordinal()],
                byKind[EventGenerator.Kind.MALFORMED.ordinal()]);
    }

    /** Waits until the {@code sent}-th record is due at {@code rate} per second from {@code started} (nanoTime). */
    public static void pace(long started, long sent, long rate) throws InterruptedException {
        long due = started + sent * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 1_000_000) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
