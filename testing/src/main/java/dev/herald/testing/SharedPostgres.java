package dev.herald.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL server per test JVM (the zonky binaries, run under {@code unshare} when the JVM is root), with
 * {@code wal_level=logical} so that the CDC relay can stream from it. Each test class gets its own database, cloned
 * from a template database that was initialised once, which keeps classes isolated without re-running migrations.
 */
final class SharedPostgres {

    static final String USER = "postgres";
    static final String PASSWORD = "postgres";

    private static SharedPostgres instance;

    private final EmbeddedPostgres server;
    private final Map<String, String> templates = new ConcurrentHashMap<>();
    private final AtomicInteger databases = new AtomicInteger();

    private SharedPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static synchronized SharedPostgres get() {
        if (instance == null) {
            instance = new SharedPostgres(start());
        }
        return instance;
    }

    private static EmbeddedPostgres start() {
        try {
            Path data = Files.createTempDirectory("herald-test-pg");
            return EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    // initdb fails on machines whose LANG names a locale that is not installed.
                    .setLocaleConfig("locale", "C")
                    .setLocaleConfig("encoding", "UTF8")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "32")
                    .setServerConfig("max_wal_senders", "32")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("timezone", "UTC")
                    // Durability against power loss is not what these tests prove; process crashes still are.
                    .setServerConfig("fsync", "off")
                    // Asynchronous commit (the library's default) would lose the last commits when PostgreSQL is
                    // killed, and holds each change back from the change stream until the WAL writer's next round.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "off")
                    .setRegisterShutdownHook(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL server", e);
        }
    }

    int port() {
        return server.getPort();
    }

    String jdbcUrl(String database) {
        return server.getJdbcUrl(USER, database);
    }

    DataSource unpooled(String database) {
        return server.getDatabase(USER, database);
    }

    /** Creates a fresh database, a copy of the template that {@code initializer} built for {@code schemaName}. */
    String createDatabase(String schemaName, SchemaInitializer initializer) {
        String template = templates.computeIfAbsent(schemaName, name -> createTemplate(name, initializer));
        String database = "herald_t" + databases.incrementAndGet();
        execute("CREATE DATABASE " + database + " TEMPLATE " + template);
        return database;
    }

    void dropDatabase(String database) {
        // Logical slots pin their database: end their senders, then drop them, before the database can go.
        execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = '" + database
                + "' AND active_pid IS NOT NULL");
        execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '" + database
                + "' AND NOT active");
        execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private String createTemplate(String schemaName, SchemaInitializer initializer) {
        String template = "herald_tpl_" + schemaName.replaceAll("[^a-zA-Z0-9_]", "_");
        execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
        execute("CREATE DATABASE " + template);
        try {
            initializer.initialize(unpooled(template));
        } catch (Exception e) {
            throw new IllegalStateException("initialising the test schema '" + schemaName + "' failed", e);
        }
        return template;
    }

    private void execute(String sql) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
