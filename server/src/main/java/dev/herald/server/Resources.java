package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HeraldConfig;
import dev.herald.db.DatabaseUrl;
import dev.herald.dispatch.CoderMetrics;
import dev.herald.token.TokenPublisher;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * What every role is given: the validated configuration, the servers it runs against (external or embedded), and the
 * process's one token publisher and its metrics: Herald's own (Dropwizard) and Coder's (Prometheus, in
 * {@code prometheus}, which the metrics endpoint serves along with Herald's).
 *
 * @param processId this process's id in the fleet registry, which its Kafka clients carry in their client ids
 */
public record Resources(
        HeraldConfig config,
        DatabaseUrl database,
        DataSource dataSource,
        String bootstrapServers,
        TokenPublisher publisher,
        Path dataDirectory,
        MetricRegistry registry,
        PrometheusRegistry prometheus,
        CoderMetrics coderMetrics,
        Clock clock,
        UUID processId) {}
