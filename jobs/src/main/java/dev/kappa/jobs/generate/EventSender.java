package dev.kappa.jobs.generate;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.kappa.common.kafka.KafkaSettings;

/** Sends generated events to a topic, as fast as the broker takes them or at a given rate. */
public final class EventSender {

    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(2).toNanos();

    private EventSender() {
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
