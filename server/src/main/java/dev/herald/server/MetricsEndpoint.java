package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HostPort;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.CustomLabelMapper;
import io.prometheus.metrics.instrumentation.dropwizard5.labels.MapperConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the process's metrics in the Prometheus text format on {@code --prometheus-address}: Coder's, kept as
 * Prometheus metrics, and Herald's own, recorded in Dropwizard with their labels as dot-separated name segments that
 * the mappings here turn back into labels.
 */
final class MetricsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);

    /** Name pattern, Prometheus name, labels by position: each labelled metric Herald records. */
    static final List<MapperConfig> LABELS = List.of(
            mapping("herald_notifications_queued_seconds", "method"),
            mapping("herald_notifications_dispatcher_send_seconds", "method"),
            mapping("herald_notifications_consumer_lag", "method", "partition"),
            mapping("herald_notifications_assigned_partitions", "method"),
            mapping("herald_notifications_oldest_pending_seconds", "method"),
            mapping("herald_notifications_oldest_overdue_retry_seconds", "method"),
            mapping("herald_reconciler_redriven_total", "reason"),
            new MapperConfig("herald.relay.records.*", "herald_relay_records_total", Map.of("method", "${0}")),
            new MapperConfig("herald.relay.state.*", "herald_relay_state", Map.of("state", "${0}")));

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /**
     * @param prometheus the metrics already kept in Prometheus' own form (Coder's); Herald's Dropwizard metrics are
     *     added to it
     */
    static MetricsEndpoint start(MetricRegistry registry, PrometheusRegistry prometheus, HostPort address) {
        prometheus.register(new LabelledDropwizardExports(registry, new CustomLabelMapper(LABELS)));
        try {
            HTTPServer server = HTTPServer.builder()
                    .hostname(address.host().isEmpty() ? "0.0.0.0" : address.host())
                    .port(address.port())
                    .registry(prometheus)
                    .buildAndStart();
            log.info("notifications metrics at http://{}:{}/metrics", address.host(), server.getPort());
            return new MetricsEndpoint(server);
        } catch (IOException e) {
            throw new IllegalStateException("could not serve metrics on " + address + " (--prometheus-address): "
                    + e.getMessage() + ". Fix: choose a free address, or an empty value to turn metrics off.");
        }
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    private static MapperConfig mapping(String name, String... labels) {
        StringBuilder match = new StringBuilder(name);
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            match.append(".*");
            values.put(labels[i], "${" + i + "}");
        }
        return new MapperConfig(match.toString(), name, values);
    }
}
