package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HostPort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    @Test
    void labelledHeraldMetricsAreServedWithTheirLabels() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.timer("herald_notifications_dispatcher_send_seconds.smtp").update(250, TimeUnit.MILLISECONDS);
        registry.gauge("herald_notifications_consumer_lag.smtp.4", () -> () -> 17L);
        // Several series of one family, as every dispatcher with more than one partition, or two methods, has.
        registry.gauge("herald_notifications_consumer_lag.smtp.5", () -> () -> 3L);
        registry.gauge("herald_notifications_consumer_lag.webhook.0", () -> () -> 9L);
        registry.timer("herald_notifications_dispatcher_send_seconds.webhook").update(5, TimeUnit.MILLISECONDS);
        registry.counter("herald_reconciler_redriven_total.lease_expired").inc();
        registry.counter("herald.relay.records.webhook").inc(5);

        try (MetricsEndpoint endpoint =
                MetricsEndpoint.start(registry, new PrometheusRegistry(), new HostPort("127.0.0.1", 0))) {
            String text = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();

            assertThat(text)
                    .contains("herald_notifications_consumer_lag{method=\"smtp\",partition=\"4\"} 17.0")
                    .contains("herald_notifications_consumer_lag{method=\"smtp\",partition=\"5\"} 3.0")
                    .contains("herald_notifications_consumer_lag{method=\"webhook\",partition=\"0\"} 9.0")
                    .containsPattern(
                            "herald_notifications_dispatcher_send_seconds\\{method=\"webhook\",quantile=\"0.5\"\\}")
                    .contains("herald_reconciler_redriven_total{reason=\"lease_expired\"} 1.0")
                    .contains("herald_relay_records_total{method=\"webhook\"} 5.0")
                    .containsPattern(
                            "herald_notifications_dispatcher_send_seconds\\{method=\"smtp\",quantile=\"0.5\"\\}");
        }
    }
}
