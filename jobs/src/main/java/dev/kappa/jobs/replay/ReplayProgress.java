package dev.kappa.jobs.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

import dev.kappa.common.kafka.KafkaAdmin;
import dev.kappa.common.kafka.KafkaSettings;
import dev.kappa.common.kafka.LogRange;

/**
 * Prints how far a replay has got, from the offsets its consumer group commits at each checkpoint:
 * what an operator can also see with any Kafka tool, and the same whether the job runs here or on a
 * cluster.
 */
public final class ReplayProgress implements AutoCloseable {

    private final Thread thread;

    private ReplayProgress(Thread thread) {
        this.thread = thread;
    }

    static ReplayProgress start(KafkaSettings kafka, LogRange range, String group, Duration interval,
            PrintStream out) {
        Thread thread = new Thread(() -> report(kafka, range, group, interval, out), "replay-progress");
        thread.setDaemon(true);
        thread.start();
        return new ReplayProgress(thread);
    }

    private static void report(KafkaSettings kafka, LogRange range, String group, Duration interval,
            PrintStream out) {
        long target = range.size();
        try (KafkaAdmin admin = new KafkaAdmin(kafka)) {
            long startNanos = System.nanoTime();
            long startDone = -1;
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(interval.toMillis());
                long done = range.done(admin.committedOffsets(group, range.topic()));
                if (startDone < 0) {
                    startDone = done;
                    startNanos = System.nanoTime();
                    out.println(line(done, target, -1));
                    continue;
                }
                double seconds = (System.nanoTime() - startNanos) / 1e9;
                out.println(line(done, target, seconds > 0 ? (done - startDone) / seconds : -1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("replay progress unavailable: " + e.getMessage());
        }
    }

    static String line(long done, long target, double perSecond) {
        String percent = target == 0 ? "100.0" : String.format(Locale.ROOT, "%.1f", 100.0 * done / target);
        String rate = perSecond <= 0 ? "rate pending" : String.format(Locale.ROOT, "%,.0f ev/s", perSecond);
        String eta = perSecond <= 0 ? "" : ", ETA " + human(Duration.ofSeconds((long) ((target - done) / perSecond)));
        return String.format(Locale.ROOT, "  replay    %s%% (%,d of %,d offsets), %s%s", percent, done, target, rate,
                eta);
    }

    /** A duration as an operator reads it: 1h13m4s. */
    static String human(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
