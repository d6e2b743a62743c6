package dev.herald.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.db.DatabaseUrl;
import java.time.Duration;

/**
 * Connection pools. The workers of a process share one; the API and web UI have their own, so that nothing a client at
 * the door does (a storm of sign-ins, slow queries) can take a connection dispatch, the relay or readiness needs.
 */
final class DataSources {

    private DataSources() {}

    static HikariDataSource pooled(DatabaseUrl database, String name, int maximumSize) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(database.jdbcUrl());
        hikari.setUsername(database.user());
        hikari.setPassword(database.password().reveal());
        hikari.setMaximumPoolSize(maximumSize);
        hikari.setMinimumIdle(Math.min(2, maximumSize));
        hikari.setPoolName(name);
        hikari.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        hikari.addDataSourceProperty("ApplicationName", name);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        // A failed first connection should be a clear start-up error, not a pool that retries in the background.
        hikari.setInitializationFailTimeout(Duration.ofSeconds(30).toMillis());
        return new HikariDataSource(hikari);
    }
}
