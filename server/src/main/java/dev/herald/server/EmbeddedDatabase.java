package dev.herald.server;

import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries shipped in a Maven artifact) whose data directory survives restarts, for
 * development and trying Herald out. It runs with {@code wal_level=logical} so that the relay can stream from it.
 */
final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres server;

    private EmbeddedDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    static EmbeddedDatabase start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            boolean existing = Files.exists(dataDirectory.resolve("PG_VERSION"));
            stopOrphanedServer(dataDirectory);
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
                    .start();
            log.info(
                    "embedded PostgreSQL for development started on port {} with {} data in {}",
                    server.getPort(),
                    existing ? "its existing" : "new",
                    dataDirectory);
            return new EmbeddedDatabase(server);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage()
                            + ". Fix: check that the directory is writable, or give --postgres-url.",
                    e);
        }
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
        return new DatabaseUrl("127.0.0.1", server.getPort(), "postgres", "postgres", Secret.of(""), Map.of());
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
