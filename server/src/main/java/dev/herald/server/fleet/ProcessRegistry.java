package dev.herald.server.fleet;

import dev.herald.db.SqlTime;
import dev.herald.lifecycle.FailureLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's row in {@code herald_processes}, kept alive by a heartbeat, and the fleet's rows as every replica
 * sees them. A process is gone once it missed {@link #MISSED_BEATS} heartbeats; rows gone for a day are deleted by
 * whichever process beats next.
 */
public final class ProcessRegistry implements AutoCloseable {

    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final int MISSED_BEATS = 3;
    private static final Duration FORGET_AFTER = Duration.ofDays(1);
    private static final Logger log = LoggerFactory.getLogger(ProcessRegistry.class);

    /** One registered process. */
    public record Process(
            UUID id,
            String host,
            long pid,
            List<String> roles,
            String version,
            Instant startedAt,
            Instant heartbeatAt) {}

    private final DataSource dataSource;
    private final Clock clock;
    private final UUID id = UUID.randomUUID();
    private final FailureLog failures = new FailureLog(log, "process registry heartbeat", Duration.ofMinutes(10));
    private Thread heart;
    private volatile boolean running;

    public ProcessRegistry(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Registers this process and starts its heartbeat. */
    public ProcessRegistry register(String host, long pid, List<String> roles, String version) throws SQLException {
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO herald_processes (id, host, pid, roles, version, started_at, heartbeat_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)) {
            insert.setObject(1, id);
            insert.setString(2, host);
            insert.setLong(3, pid);
            insert.setArray(4, connection.createArrayOf("text", roles.toArray()));
            insert.setString(5, version);
            insert.setObject(6, SqlTime.utc(now));
            insert.setObject(7, SqlTime.utc(now));
            insert.executeUpdate();
        }
        running = true;
        heart = Thread.ofPlatform().name("herald-process-heartbeat").daemon().start(this::beat);
        return this;
    }

    public UUID id() {
        return id;
    }

    /** The processes alive now: those whose last heartbeat is recent, oldest first. */
    public List<Process> live() throws SQLException {
        Instant cutoff = clock.instant().minus(HEARTBEAT.multipliedBy(MISSED_BEATS));
        List<Process> processes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT id, host, pid, roles, version, started_at, heartbeat_at FROM herald_processes
                        WHERE heartbeat_at >= ? ORDER BY started_at, id
                        """)) {
            select.setObject(1, SqlTime.utc(cutoff));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    processes.add(new Process(
                            rows.getObject(1, UUID.class),
                            rows.getString(2),
                            rows.getLong(3),
                            Arrays.asList((String[]) rows.getArray(4).getArray()),
                            rows.getString(5),
                            rows.getObject(6, OffsetDateTime.class).toInstant(),
                            rows.getObject(7, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return processes;
    }

    /** Stops the heartbeat and deletes this process's row, so that the fleet view drops it at once. */
    @Override
    public void close() {
        running = false;
        if (heart != null) {
            heart.interrupt();
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete = connection.prepareStatement("DELETE FROM herald_processes WHERE id = ?")) {
            delete.setObject(1, id);
            delete.executeUpdate();
        } catch (SQLException e) {
            log.warn(
                    "could not remove this process from the fleet registry; it disappears after {} missed heartbeats",
                    MISSED_BEATS);
        }
    }

    private void beat() {
        while (running) {
            try {
                Thread.sleep(HEARTBEAT);
            } catch (InterruptedException e) {
                return;
            }
            Instant now = clock.instant();
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement update =
                            connection.prepareStatement("UPDATE herald_processes SET heartbeat_at = ? WHERE id = ?");
                    PreparedStatement forget =
                            connection.prepareStatement("DELETE FROM herald_processes WHERE heartbeat_at < ?")) {
                update.setObject(1, SqlTime.utc(now));
                update.setObject(2, id);
                update.executeUpdate();
                forget.setObject(1, SqlTime.utc(now.minus(FORGET_AFTER)));
                forget.executeUpdate();
                failures.healthy();
            } catch (SQLException e) {
                failures.failed(
                        "record this process's heartbeat (the fleet view will show it as gone)",
                        e,
                        "check that PostgreSQL is reachable",
                        HEARTBEAT,
                        now);
            }
        }
    }
}
