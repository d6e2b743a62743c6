package dev.herald.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own database on a real PostgreSQL server with {@code wal_level=logical}. Register it as a
 * static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension postgres = PostgresExtension.withSchema("herald", Migrations::apply);
 * }</pre>
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {

    private final String schemaName;
    private final SchemaInitializer initializer;
    private String database;
    private HikariDataSource dataSource;

    private PostgresExtension(String schemaName, SchemaInitializer initializer) {
        this.schemaName = schemaName;
        this.initializer = initializer;
    }

    /** A database whose schema {@code initializer} builds; classes naming the same schema share one template. */
    public static PostgresExtension withSchema(String schemaName, SchemaInitializer initializer) {
        return new PostgresExtension(schemaName, initializer);
    }

    /** An empty database. */
    public static PostgresExtension empty() {
        return new PostgresExtension("empty", dataSource -> {});
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts outside JUnit, for benchmarks and main methods. */
    public synchronized PostgresExtension start() {
        if (dataSource == null) {
            SharedPostgres server = SharedPostgres.get();
            database = server.createDatabase(schemaName, initializer);
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl());
            config.setUsername(SharedPostgres.USER);
            config.setPassword(SharedPostgres.PASSWORD);
            config.setMaximumPoolSize(8);
            config.setPoolName("test-" + database);
            dataSource = new HikariDataSource(config);
        }
        return this;
    }

    public synchronized void stop() {
        if (dataSource != null) {
            dataSource.close();
            dataSource = null;
            SharedPostgres.get().dropDatabase(database);
        }
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return SharedPostgres.get().jdbcUrl(database) + "&ApplicationName=herald-test";
    }

    public String databaseName() {
        return database;
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return SharedPostgres.get().port();
    }

    public String user() {
        return SharedPostgres.USER;
    }

    public String password() {
        return SharedPostgres.PASSWORD;
    }

    /** Runs one statement, for test setup that has no business in production code. */
    public void execute(String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
