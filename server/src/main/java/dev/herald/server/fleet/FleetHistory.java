package dev.herald.server.fleet;

import dev.herald.db.SqlTime;
import dev.herald.model.NotificationMethod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@code herald_fleet_history}: one row per minute and method. What finished in a minute is counted from the messages
 * table through its index on finished rows, one bounded range at a time; what charts and warnings read comes from
 * this table's primary key alone, never from the messages table.
 */
public final class FleetHistory {

    /**
     * One method's minute.
     *
     * @param latencyP50Millis enqueue to delivered, over the messages sent in that minute; null when none was
     * @param queueDepth messages pending, leased or waiting for a retry when the minute was sampled; null for minutes
     *     filled in afterwards
     * @param consumerLag tokens the method's dispatchers had not consumed; null when unknown
     */
    public record Minute(
            Instant minute,
            String method,
            int delivered,
            int failed,
            Double latencyP50Millis,
            Double latencyP99Millis,
            Integer queueDepth,
            Long consumerLag) {

        /** The same minute with what the sampler saw at the time. */
        Minute observed(Integer depth, Long lag) {
            return new Minute(minute, method, delivered, failed, latencyP50Millis, latencyP99Millis, depth, lag);
        }
    }

    /**
     * One chart interval of one method: sums of delivered and failed, the worst minute's latency percentiles, the
     * largest depth and lag seen.
     */
    public record Interval(
            Instant start,
            String method,
            long delivered,
            long failed,
            Double latencyP50Millis,
            Double latencyP99Millis,
            Long queueDepth,
            Long consumerLag) {}

    private final DataSource dataSource;

    public FleetHistory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The newest minute recorded, if any. */
    public Optional<Instant> lastMinute() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT max(minute) FROM herald_fleet_history");
                ResultSet row = select.executeQuery()) {
            row.next();
            OffsetDateTime last = row.getObject(1, OffsetDateTime.class);
            return Optional.ofNullable(last).map(OffsetDateTime::toInstant);
        }
    }

    /**
     * Every minute of {@code [from, to)} for every method, counted from the messages that finished in it: minutes and
     * methods without any count zero. Both ends are whole minutes.
     */
    public List<Minute> finished(Instant from, Instant to) throws SQLException {
        Map<Instant, Map<NotificationMethod, Minute>> counted = new java.util.HashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(FINISHED)) {
            select.setObject(1, SqlTime.utc(from));
            select.setObject(2, SqlTime.utc(to));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant minute = rows.getObject(1, OffsetDateTime.class).toInstant();
                    NotificationMethod method = NotificationMethod.fromSql(rows.getString(2));
                    counted.computeIfAbsent(minute, ignored -> new EnumMap<>(NotificationMethod.class))
                            .put(
                                    method,
                                    new Minute(
                                            minute,
                                            method.sqlName(),
                                            rows.getInt(3),
                                            rows.getInt(4),
                                            nullableDouble(rows, 5),
                                            nullableDouble(rows, 6),
                                            null,
                                            null));
                }
            }
        }
        List<Minute> minutes = new ArrayList<>();
        for (Instant minute = from; minute.isBefore(to); minute = minute.plus(Duration.ofMinutes(1))) {
            Map<NotificationMethod, Minute> ofMinute = counted.getOrDefault(minute, Map.of());
            for (NotificationMethod method : NotificationMethod.values()) {
                minutes.add(ofMinute.getOrDefault(
                        method, new Minute(minute, method.sqlName(), 0, 0, null, null, null, null)));
            }
        }
        return minutes;
    }

    /** The counting query; its plan at ten million messages is stated in FleetHistoryPlanTest. */
    public static final String FINISHED = """
            SELECT date_trunc('minute', updated_at), method::text,
                   count(*) FILTER (WHERE status = 'sent'),
                   count(*) FILTER (WHERE status <> 'sent'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)
                       FILTER (WHERE status = 'sent'),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000)
                       FILTER (WHERE status = 'sent')
            FROM notification_messages
            WHERE status IN ('sent', 'temporary_failure', 'permanent_failure') AND updated_at >= ? AND updated_at < ?
            GROUP BY 1, 2
            """;

    /** Messages on their way now (pending, leased or waiting for a retry), per method. */
    public Map<NotificationMethod, Integer> queueDepth() throws SQLException {
        Map<NotificationMethod, Integer> depth = new EnumMap<>(NotificationMethod.class);
        for (NotificationMethod method : NotificationMethod.values()) {
            depth.put(method, 0);
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(QUEUE_DEPTH);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                depth.put(NotificationMethod.fromSql(rows.getString(1)), rows.getInt(2));
            }
        }
        return depth;
    }

    /** Counts through the partial indexes of the three unfinished states; stated in FleetHistoryPlanTest. */
    public static final String QUEUE_DEPTH = """
            SELECT method::text, count(*) FROM (
                SELECT method FROM notification_messages WHERE status = 'pending'
                UNION ALL SELECT method FROM notification_messages WHERE status = 'leased'
                UNION ALL SELECT method FROM notification_messages WHERE status = 'temporary_failure'
            ) unfinished GROUP BY 1
            """;

    /** Writes minutes; a minute already recorded (by a replica that held the lock before) is kept. */
    public void record(List<Minute> minutes) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO herald_fleet_history (minute, method, delivered, failed, latency_p50_ms,
                            latency_p99_ms, queue_depth, consumer_lag)
                        VALUES (?, ?::notification_method, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (minute, method) DO NOTHING
                        """)) {
            for (Minute minute : minutes) {
                insert.setObject(1, SqlTime.utc(minute.minute()));
                insert.setString(2, minute.method());
                insert.setInt(3, minute.delivered());
                insert.setInt(4, minute.failed());
                insert.setObject(5, minute.latencyP50Millis(), Types.DOUBLE);
                insert.setObject(6, minute.latencyP99Millis(), Types.DOUBLE);
                insert.setObject(7, minute.queueDepth(), Types.INTEGER);
                insert.setObject(8, minute.consumerLag(), Types.BIGINT);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Deletes minutes before {@code cutoff}: history is kept as long as messages are. */
    public int forget(Instant cutoff) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement delete =
                        connection.prepareStatement("DELETE FROM herald_fleet_history WHERE minute < ?")) {
            delete.setObject(1, SqlTime.utc(cutoff));
            return delete.executeUpdate();
        }
    }

    /**
     * {@code [from, to)} in intervals of {@code step}, oldest first, per method; intervals with no recorded minute are
     * absent (a gap in the chart).
     */
    public List<Interval> intervals(Instant from, Instant to, Duration step) throws SQLException {
        List<Interval> intervals = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(INTERVALS)) {
            select.setString(1, step.toSeconds() + " seconds");
            select.setObject(2, SqlTime.utc(from));
            select.setObject(3, SqlTime.utc(from));
            select.setObject(4, SqlTime.utc(to));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    intervals.add(new Interval(
                            rows.getObject(1, OffsetDateTime.class).toInstant(),
                            rows.getString(2),
                            rows.getLong(3),
                            rows.getLong(4),
                            nullableDouble(rows, 5),
                            nullableDouble(rows, 6),
                            nullableLong(rows, 7),
                            nullableLong(rows, 8)));
                }
            }
        }
        return intervals;
    }

    /** A range of the primary key, binned; stated in FleetHistoryPlanTest. */
    public static final String INTERVALS = """
            SELECT date_bin(?::interval, minute, ?), method::text, sum(delivered), sum(failed),
                   max(latency_p50_ms), max(latency_p99_ms), max(queue_depth), max(consumer_lag)
            FROM herald_fleet_history
            WHERE minute >= ? AND minute < ?
            GROUP BY 1, 2 ORDER BY 1, 2
            """;

    /** The method's consumer lag over its last {@code count} sampled minutes, oldest first. */
    public List<Long> recentLag(NotificationMethod method, int count) throws SQLException {
        List<Long> lags = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(RECENT_LAG)) {
            select.setString(1, method.sqlName());
            select.setInt(2, count);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    lags.addFirst(rows.getLong(1));
                }
            }
        }
        return lags;
    }

    /** The newest sampled minutes by the primary key, read backwards; stated in FleetHistoryPlanTest. */
    public static final String RECENT_LAG = """
            SELECT consumer_lag FROM herald_fleet_history
            WHERE method = ?::notification_method AND consumer_lag IS NOT NULL
            ORDER BY minute DESC LIMIT ?
            """;

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }
}
