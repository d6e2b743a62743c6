package dev.herald.server.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
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
            Instant heartbeatAt,
            JsonNode details) {

        /** What the role {@code role} of this process last reported; a missing node when it runs no such role. */
        public JsonNode role(String role) {
            return details.path(role);
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final UUID id = UUID.randomUUID();
    private final FailureLog failures = new FailureLog(log, "process registry heartbeat", Duration.ofMinutes(10));
    private static final ObjectMapper JSON = new ObjectMapper();
    private Supplier<Map<String, Object>> details = Map::of;
    private Thread heart;
    private volatile boolean running;

    public ProcessRegistry(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Registers this process and starts its heartbeat, which also records what its roles report.
     *
     * @param details each role's report by role name, asked for at every heartbeat
     */
    public ProcessRegistry register(
            String host, long pid, List<String> roles, String version, Supplier<Map<String, Object>> details)
            throws SQLException {
        this.details = details;
        Instant now = clock.instant();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO herald_processes (id, host, pid, roles, version, started_at, heartbeat_at, details)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)
                        """)) {
            insert.setObject(1, id);
            insert.setString(2, host);
            insert.setLong(3, pid);
            insert.setArray(4, connection.createArrayOf("text", roles.toArray()));
            insert.setString(5, version);
            insert.setObject(6, SqlTime.utc(now));
            insert.setObject(7, SqlTime.utc(now));
            insert.setString(8, detailsJson());
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
                        SELECT id, host, pid, roles, version, started_at, heartbeat_at, details FROM herald_processes
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
                            rows.getObject(7, OffsetDateTime.class).toInstant(),
                            parse(rows.getString(8))));
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
                    PreparedStatement update = connection.prepareStatement(
                            "UPDATE herald_processes SET heartbeat_at = ?, details = ?::jsonb WHERE id = ?");
                    PreparedStatement forget =
                            connection.prepareStatement("DELETE FROM herald_processes WHERE heartbeat_at < ?")) {
                update.setObject(1, SqlTime.utc(now));
                update.setString(2, detailsJson());
                update.setObject(3, id);
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

    /** The roles' reports as JSON; a role that cannot report now is left out rather than costing the heartbeat. */
    private String detailsJson() {
        try {
            return JSON.writeValueAsString(details.get());
        } catch (JsonProcessingException | RuntimeException e) {
            log.debug("could not take this process's role reports", e);
            return "{}";
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
