package dev.kappa.deploy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Properties;

import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;

/**
 * Flink's Prometheus reporter, serving on one address ({@code metrics.reporter.<name>.host}, loopback
 * unless set) instead of on every interface, as Flink's own {@code PrometheusReporterFactory} does:
 * deploy/local/cluster exposes nothing beyond this machine.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    static final String ARG_HOST = "host";
    static final String ARG_PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        MetricConfig config = (MetricConfig) properties;
        return new Reporter(config.getString(ARG_HOST, "127.0.0.1"), new PortRange(config.getString(ARG_PORT, "9249")));
    }

    /** Serves the registry Flink's reporter fills, on the first free port of the range at {@code host}. */
    static final class Reporter extends AbstractPrometheusReporter {

        private final HTTPServer server;
        private final InetSocketAddress address;

        Reporter(String host, PortRange ports) {
            CollectorRegistry registry = registry(this);
            Iterator<Integer> candidates = ports.getPortsIterator();
            HTTPServer started = null;
            InetSocketAddress at = null;
            IOException last = null;
            while (started == null && candidates.hasNext()) {
                at = new InetSocketAddress(host, candidates.next());
                try {
                    started = new HTTPServer(at, registry, true);
                } catch (IOException taken) {
                    last = taken;
                }
            }
            if (started == null) {
                throw new IllegalStateException("no free port in " + ports + " on " + host
                        + " for the Prometheus endpoint: widen metrics.reporter.<name>.port", last);
            }
            this.server = started;
            this.address = at;
            log.info("Prometheus metrics served at http://{}:{}/metrics", host, at.getPort());
        }

        InetSocketAddress address() {
            return address;
        }

        @Override
        public void close() {
            server.stop();
            super.close();
        }

        /**
         * Flink keeps the registry its reporter fills package-private; reading it is the one way to
         * serve it elsewhere than Flink's HTTP server does.
         */
        private static CollectorRegistry registry(AbstractPrometheusReporter reporter) {
            try {
                Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
                field.setAccessible(true);
                return (CollectorRegistry) field.get(reporter);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("this Flink version's Prometheus reporter has no registry field; "
                        + "use org.apache.flink.metrics.prometheus.PrometheusReporterFactory instead", e);
            }
        }
    }
}
