package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HeraldConfig;
import dev.herald.db.DatabaseUrl;
import dev.herald.token.TokenPublisher;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * What every role is given: the validated configuration, the servers it runs against (external or embedded), and the
 * process's one token publisher.
 */
public record Resources(
        HeraldConfig config,
        DatabaseUrl database,
        DataSource dataSource,
        String bootstrapServers,
        TokenPublisher publisher,
        Path dataDirectory,
        MetricRegistry registry,
        Clock clock) {}
