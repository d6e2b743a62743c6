package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HeraldConfig;
import dev.herald.db.DatabaseUrl;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * What every role is given: the validated configuration and the servers it runs against, whether they are external
 * or embedded.
 */
public record Resources(
        HeraldConfig config,
        DatabaseUrl database,
        DataSource dataSource,
        String bootstrapServers,
        Path dataDirectory,
        MetricRegistry registry,
        Clock clock) {}
