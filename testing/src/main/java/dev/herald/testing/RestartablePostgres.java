package dev.herald.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;

/**
 * A PostgreSQL server of a fault test's own, which the test stops and starts again on the same port and data, as an
 * operator's restart or outage would. (The shared test server cannot be stopped: every other test class uses it.)
 */
public final class RestartablePostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final Path dataDirectory;
    private final int port;
    private final Map<String, String> settings;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDirectory, int port, Map<String, String> settings) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.settings = settings;
    }

    /** Creates the cluster in {@code dataDirectory} and starts it on a free port, set up for logical decoding. */
    public static RestartablePostgres start(Path dataDirectory) {
        return start(dataDirectory, Map.of());
    }

    /** The same with server settings of the test's own ({@code wal_level=replica}, ...), which win. */
    public static RestartablePostgres start(Path dataDirectory, Map<String, String> settings) {
        RestartablePostgres postgres = new RestartablePostgres(dataDirectory, freePort(), settings);
        postgres.resume();
        return postgres;
    }

    /** Stops the server, as a fast shutdown does: sessions are cut, data stays. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not stop PostgreSQL", e);
            }
            server = null;
        }
    }

    /** Starts it again on the same port with the same data. */
    public synchronized void restart() {
        resume();
    }

    public int port() {
        return port;
    }

    /** A {@code postgres://} URL for the {@code postgres} database, as {@code --postgres-url} takes it. */
    public String url() {
        return "postgres://" + USER + "@127.0.0.1:" + port + "/postgres?sslmode=disable";
    }

    public synchronized DataSource dataSource() {
        return server.getPostgresDatabase();
    }

    @Override
    public void close() {
        stop();
    }

    /** Never "clean": that would delete the data on stop. A directory without a cluster is initialised first. */
    private void resume() {
        if (server != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setLocaleConfig("locale", "C")
                    .setLocaleConfig("encoding", "UTF8")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("timezone", "UTC")
                    .setServerConfig("fsync", "off")
                    // Asynchronous commit (the library's default) would lose the last commits when PostgreSQL is
                    // killed, and holds each change back from the change stream until the WAL writer's next round.
                    .setServerConfig("synchronous_commit", "on");
            settings.forEach(builder::setServerConfig);
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL on port " + port, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
