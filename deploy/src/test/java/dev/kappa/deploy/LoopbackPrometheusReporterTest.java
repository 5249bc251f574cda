package dev.kappa.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import java.util.ServiceLoader;

import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

class LoopbackPrometheusReporterTest {

    private static LoopbackPrometheusReporterFactory.Reporter create(String ports) {
        MetricConfig config = new MetricConfig();
        config.setProperty(LoopbackPrometheusReporterFactory.ARG_PORT, ports);
        return (LoopbackPrometheusReporterFactory.Reporter) new LoopbackPrometheusReporterFactory()
                .createMetricReporter(config);
    }

    /** Flink finds reporter factories as services; a factory it cannot find leaves the cluster without metrics. */
    @Test
    void flinkFindsTheFactory() {
        assertThat(ServiceLoader.load(MetricReporterFactory.class).stream().map(p -> p.type().getName()))
                .contains(LoopbackPrometheusReporterFactory.class.getName());
    }

    @Test
    void servesFlinksRegistryOnLoopbackOnlyOnTheFirstFreePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int first = taken.getLocalPort();
            LoopbackPrometheusReporterFactory.Reporter reporter = create(first + "-" + (first + 20));
            try {
                assertThat(reporter.address().getAddress().isLoopbackAddress()).isTrue();
                assertThat(reporter.address().getPort()).isGreaterThan(first);
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + reporter.address().getPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).isEqualTo(200);
            } finally {
                reporter.close();
            }
        }
    }

    @Test
    void aRangeWithNoFreePortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> create(Integer.toString(port)))
                    .hasMessageContaining("no free port in " + port + " on 127.0.0.1");
        }
    }
}
