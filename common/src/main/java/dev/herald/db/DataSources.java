package dev.herald.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Connection pools to Herald's database. */
public final class DataSources {

    private DataSources() {}

    /** A pool named after its user (it appears in pg_stat_activity as the application name). */
    public static HikariDataSource pooled(DatabaseUrl url, String name, int maximumSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password().reveal());
        config.setPoolName(name);
        config.setMaximumPoolSize(maximumSize);
        config.addDataSourceProperty("ApplicationName", name);
        return new HikariDataSource(config);
    }
}
