package dev.herald.scheduler;

import static dev.herald.db.SqlTime.utc;

import dev.herald.model.NotificationMethod;
import dev.herald.token.WorkToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The SQL of the reconciler and of retention: finding rows that should be moving and are not, giving up on rows
 * whose attempts are used up, and deleting old rows. Every statement touches a bounded batch, so a backlog of
 * millions is worked through in short transactions that never hold many locks.
 */
public final class RecoveryStore {

    /**
     * Claims a batch of stalled rows for re-driving by stamping {@code updated_at}. A row is due again only after it
     * has waited at least as long since its last re-drive as it had waited before it (and at least the grace), so a
     * row that stays stuck is re-driven after 1, 2, 4, 8... grace periods rather than on every pass: a backlog that
     * dispatchers are slowly draining is not flooded with duplicate tokens.
     */
    private static final String CLAIM = """
            WITH stalled AS (
                SELECT id FROM notification_messages
                WHERE status = '%1$s'
                  AND %2$s <= ?
                  AND attempt_count < ?
                  AND (%2$s, id) > (?, ?)
                  AND updated_at <= ?::timestamptz - greatest(? * interval '1 millisecond', updated_at - %2$s)
                ORDER BY %2$s, id
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            ), claimed AS (
                UPDATE notification_messages m SET updated_at = ?
                FROM stalled s
                WHERE m.id = s.id
                RETURNING m.id, m.method, m.notification_template_id, m.user_id, m.created_at, m.attempt_count,
                          m.%2$s AS position
            )
            SELECT id, method::text, notification_template_id, user_id, created_at, attempt_count, position
            FROM claimed
            ORDER BY position, id
            """;

    private static final String GIVE_UP = """
            WITH exhausted AS (
                SELECT id FROM notification_messages
                WHERE status = '%1$s' AND %2$s <= ? AND attempt_count >= ?
                LIMIT ?
                FOR UPDATE SKIP LOCKED
            )
            UPDATE notification_messages m
            SET status = 'permanent_failure',
                status_reason = 'gave up after ' || m.attempt_count || ' attempts (the maximum is ' || ? || ')'
                                || coalesce('; last error: ' || m.status_reason, ''),
                leased_until = NULL,
                next_retry_after = NULL,
                updated_at = ?
            FROM exhausted e
            WHERE m.id = e.id
            """;

    private static final String PURGE = """
            DELETE FROM notification_messages
            WHERE id IN (SELECT id FROM notification_messages
                         WHERE created_at < ?
                         ORDER BY created_at
                         LIMIT ?
                         FOR UPDATE SKIP LOCKED)
            """;

    /** Sorts before any real row: the start of a walk through a stall's index. */
    private static final OffsetDateTime FLOOR = utc(Instant.parse("0001-01-01T00:00:00Z"));

    /** Where the next batch of a walk starts: after this row in the stall's index order. */
    public record Cursor(Instant position, UUID id) {
        public static final Cursor START = new Cursor(null, new UUID(0, 0));
    }

    /** A batch of claimed rows, their tokens, and where the walk continues. */
    public record Claimed(List<WorkToken> tokens, Cursor next) {}

    private final DataSource dataSource;

    public RecoveryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Claims up to {@code limit} rows stalled in the given way, after {@code cursor}, and returns their tokens. */
    public Claimed claimStalled(Stall stall, Instant now, Duration grace, int maxAttempts, Cursor cursor, int limit)
            throws SQLException {
        List<WorkToken> tokens = new ArrayList<>();
        Cursor next = cursor;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement(CLAIM.formatted(stall.status, stall.column))) {
            statement.setObject(1, utc(stall.threshold(now, grace)));
            statement.setInt(2, maxAttempts);
            statement.setObject(3, cursor.position() == null ? FLOOR : utc(cursor.position()));
            statement.setObject(4, cursor.id());
            statement.setObject(5, utc(now));
            statement.setLong(6, grace.toMillis());
            statement.setInt(7, limit);
            statement.setObject(8, utc(now));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    tokens.add(new WorkToken(
                            id,
                            NotificationMethod.fromSql(rows.getString(2)),
                            rows.getObject(3, UUID.class),
                            rows.getObject(4, UUID.class),
                            rows.getObject(5, OffsetDateTime.class).toInstant(),
                            rows.getInt(6)));
                    // Rows come in index order (compared as PostgreSQL compares uuids), so the last one is the cursor.
                    next = new Cursor(rows.getObject(7, OffsetDateTime.class).toInstant(), id);
                }
            }
        }
        return new Claimed(tokens, next);
    }

    /** Marks up to {@code limit} rows that may not be tried again as permanent failures; returns how many. */
    public int giveUpExhausted(Stall stall, Instant now, int maxAttempts, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement(GIVE_UP.formatted(stall.status, stall.column))) {
            statement.setObject(1, utc(now));
            statement.setInt(2, maxAttempts);
            statement.setInt(3, limit);
            statement.setInt(4, maxAttempts);
            statement.setObject(5, utc(now));
            return statement.executeUpdate();
        }
    }

    /** Deletes up to {@code limit} of the oldest rows created before {@code cutoff}, whatever their state. */
    public int purgeCreatedBefore(Instant cutoff, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PURGE)) {
            statement.setObject(1, utc(cutoff));
            statement.setInt(2, limit);
            return statement.executeUpdate();
        }
    }

    /** How long the queue of one method has kept its oldest waiting messages: 0 when nothing waits. */
    public record QueueAge(Duration oldestPending, Duration oldestOverdueRetry) {}

    /**
     * The age of the oldest {@code pending} message, and how long the most overdue retry has been due, for one method.
     * Each is a min over a partial index (pending by creation, temporary failures by due time), read in index order
     * until the first row of the method, so it stays cheap with millions of rows.
     */
    public QueueAge queueAge(NotificationMethod method, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT (SELECT min(created_at) FROM notification_messages
                                 WHERE status = 'pending' AND method = ?::notification_method),
                               (SELECT min(next_retry_after) FROM notification_messages
                                 WHERE status = 'temporary_failure' AND next_retry_after < ?
                                   AND method = ?::notification_method)
                        """)) {
            statement.setString(1, method.sqlName());
            statement.setObject(2, utc(now));
            statement.setString(3, method.sqlName());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new QueueAge(
                        since(row.getObject(1, OffsetDateTime.class), now),
                        since(row.getObject(2, OffsetDateTime.class), now));
            }
        }
    }

    private static Duration since(OffsetDateTime time, Instant now) {
        if (time == null) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(time.toInstant(), now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
