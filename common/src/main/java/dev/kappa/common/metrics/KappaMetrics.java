package dev.kappa.common.metrics;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.MetricGroup;

/**
 * The suite's metrics all live under one group, {@code <operator scope>.kappa.*}, so a dashboard
 * or a Prometheus query can find them by one name, whatever the job.
 */
public final class KappaMetrics {

    public static final String GROUP = "kappa";

    private KappaMetrics() {
    }

    public static MetricGroup group(RuntimeContext context) {
        return context.getMetricGroup().addGroup(GROUP);
    }
}
