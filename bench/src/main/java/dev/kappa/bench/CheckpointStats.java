package dev.kappa.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;
import org.apache.flink.runtime.metrics.scope.ScopeFormat;

/**
 * The checkpoints of the jobs a bench runs in this JVM, from Flink's own job metrics (the figures
 * its web UI shows): the longest checkpoint, the mean size of what each checkpoint wrote
 * (incremental on RocksDB) and the full size of the last one. Read every second while a job runs and
 * once more when its metrics go, which is after its final checkpoint.
 */
public final class CheckpointStats implements MetricReporter, Scheduled {

    private static final String NAME = "kappa-bench-checkpoints";
    private static final String DURATION = "lastCheckpointDuration";
    private static final String FULL_SIZE = "lastCheckpointFullSize";
    private static final String SIZE = "lastCheckpointSize";
    private static final String COMPLETED = "numberOfCompletedCheckpoints";

    /**
     * Of one job: the longest checkpoint seen (ms), the last one's full size, and the bytes written by
     * the checkpoints seen (a checkpoint completing within a second of the one before goes unseen).
     */
    public record Figures(long longestMillis, long lastFullBytes, long completed, long seen, long writtenBytes) {

        static final Figures NONE = new Figures(0, 0, 0, 0, 0);

        public double meanWrittenBytes() {
            return seen == 0 ? Double.NaN : (double) writtenBytes / seen;
        }
    }

    private static final Map<String, Figures> BY_JOB = new ConcurrentHashMap<>();

    private final Map<String, Map<String, Metric>> watched = new ConcurrentHashMap<>();

    /** The settings that make a job's MiniCluster report here. */
    public static List<String> settings() {
        return List.of("flink.metrics.reporter." + NAME + ".factory.class=" + Factory.class.getName(),
                "flink.metrics.reporter." + NAME + ".interval=1 s");
    }

    /** What the job of this name reported; zeros if it reported nothing. */
    public static Figures of(String jobName) {
        return BY_JOB.getOrDefault(jobName, Figures.NONE);
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
        report();
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        String job = group.getAllVariables().get(ScopeFormat.SCOPE_JOB_NAME);
        if (job != null && List.of(DURATION, FULL_SIZE, SIZE, COMPLETED).contains(metricName)) {
            watched.computeIfAbsent(job, name -> new ConcurrentHashMap<>()).put(metricName, metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        String job = group.getAllVariables().get(ScopeFormat.SCOPE_JOB_NAME);
        Map<String, Metric> metrics = job == null ? null : watched.remove(job);
        if (metrics != null) {
            read(job, metrics);
        }
    }

    @Override
    public void report() {
        watched.forEach(CheckpointStats::read);
    }

    private static void read(String job, Map<String, Metric> metrics) {
        long completed = value(metrics.get(COMPLETED));
        long duration = value(metrics.get(DURATION));
        long fullSize = value(metrics.get(FULL_SIZE));
        long size = value(metrics.get(SIZE));
        BY_JOB.compute(job, (name, before) -> {
            Figures old = before == null ? Figures.NONE : before;
            if (completed <= old.completed()) {
                return old;
            }
            return new Figures(Math.max(old.longestMillis(), duration), fullSize, completed, old.seen() + 1,
                    old.writtenBytes() + Math.max(0, size));
        });
    }

    private static long value(Metric metric) {
        if (metric instanceof Gauge<?> gauge && gauge.getValue() instanceof Number number) {
            return number.longValue();
        }
        return metric instanceof Counter counter ? counter.getCount() : -1;
    }

    /** Found by Flink through the service file, as {@code metrics.reporter.<name>.factory.class} requires. */
    public static final class Factory implements MetricReporterFactory {

        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CheckpointStats();
        }
    }
}
