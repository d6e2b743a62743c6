package dev.herald.server;

import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries shipped in a Maven artifact) whose data directory survives restarts, for
 * development and trying Herald out. It runs with {@code wal_level=logical} so that the relay can stream from it,
 * listens on loopback only, and lets nobody in without the password Herald generated on its first start.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    /**
     * Password sign-in for every connection, over loopback only: the embedded server is no longer open to any local
     * process that names the superuser. Replication (the relay's change stream) needs its own lines.
     */
    private static final String ACCESS_RULES = """
            # Written by Herald: password (SCRAM) sign-in only, from this machine only.
            local   all          all                   scram-sha-256
            host    all          all   127.0.0.1/32    scram-sha-256
            host    all          all   ::1/128         scram-sha-256
            host    replication  all   127.0.0.1/32    scram-sha-256
            host    replication  all   ::1/128         scram-sha-256
            """;

    private final EmbeddedPostgres server;
    private final Secret password;

    private EmbeddedDatabase(EmbeddedPostgres server, Secret password) {
        this.server = server;
        this.password = password;
    }

    static EmbeddedDatabase start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            boolean existing = Files.exists(dataDirectory.resolve("PG_VERSION"));
            stopOrphanedServer(dataDirectory);
            Secret password = EmbeddedDatabasePassword.readOrCreate(passwordFile(dataDirectory));
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    // initdb fails on machines whose LANG names a locale that is not installed.
                    .setLocaleConfig("locale", "C")
                    .setLocaleConfig("encoding", "UTF8")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // The embedded server's library turns both off for tests. Herald wants them on: a committed
                    // message must survive a crash of the machine, and the change stream only sees a commit once its
                    // WAL is flushed, which without synchronous commit waits for the WAL writer (up to 200 ms).
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    // A fresh database still trusts local connections until secure() has run; from then on the
                    // server's own start-up check signs in like any client.
                    .setConnectConfig("password", password.reveal())
                    .start();
            secure(server, dataDirectory, password);
            log.info(
                    "embedded PostgreSQL for development started on port {} with {} data in {}",
                    server.getPort(),
                    existing ? "its existing" : "new",
                    dataDirectory);
            return new EmbeddedDatabase(server, password);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage()
                            + ". Fix: check that the directory is writable, or give --postgres-url.",
                    e);
        }
    }

    /** Beside the database's files, in Herald's data directory, readable by its owner only. */
    static Path passwordFile(Path dataDirectory) {
        return dataDirectory.resolveSibling("postgres.password");
    }

    /**
     * Gives the superuser the generated password and allows nothing but password sign-in from this machine. Run at
     * every start, so that a data directory created before Herald did this is secured too.
     */
    private static void secure(EmbeddedPostgres server, Path dataDirectory, Secret password) throws IOException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("ALTER ROLE postgres PASSWORD " + quoted(password.reveal()));
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), ACCESS_RULES);
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("could not set the embedded PostgreSQL's password: " + e.getMessage(), e);
        }
    }

    /** The generated password is letters and digits, so quoting it is only a matter of form. */
    private static String quoted(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * A Herald process killed with SIGKILL leaves its PostgreSQL running on the data directory. Its clients are gone,
     * so it is stopped (a smart shutdown, then a forced one) before a new server may start there.
     */
    private static void stopOrphanedServer(Path dataDirectory) throws IOException {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
        } catch (RuntimeException e) {
            return;
        }
        Optional<ProcessHandle> server = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle ->
                        handle.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (server.isEmpty()) {
            return;
        }
        log.warn(
                "stopping an embedded PostgreSQL (pid {}) left running on {} by a process that did not stop",
                pid,
                dataDirectory);
        server.get().destroy();
        try {
            server.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            server.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IOException("could not stop the orphaned PostgreSQL " + pid, e);
        }
    }

    DatabaseUrl url() {
        return new DatabaseUrl("127.0.0.1", server.getPort(), "postgres", "postgres", password, Map.of());
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL on port " + server.getPort();
    }
}
