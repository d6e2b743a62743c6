package dev.herald.store;

import static dev.herald.db.SqlTime.utc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.MessagePayload;
import dev.herald.model.NotificationMethod;
import dev.herald.token.WorkToken;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Every SQL statement of the queue. Each state change is one guarded statement: a lease matches only claimable rows,
 * and a status write matches only the lease it belongs to, so a stale or duplicated token can never move a row
 * backwards or steal another dispatcher's message. Time comes from the caller's clock, never from {@code now()}.
 */
public final class MessageStore {

    /** Claimable: pending; a temporary failure whose retry time has come; a lease that expired. */
    private static final String LEASE = """
            WITH claimable AS (
                SELECT m.id,
                       EXISTS (SELECT 1 FROM notification_preferences p
                               WHERE p.user_id = m.user_id
                                 AND p.notification_template_id = m.notification_template_id
                                 AND p.disabled) AS opted_out
                FROM notification_messages m
                WHERE m.id = ANY(?)
                  AND m.attempt_count < ?
                  AND (m.status = 'pending'
                       OR (m.status = 'temporary_failure' AND m.next_retry_after <= ?)
                       OR (m.status = 'leased' AND m.leased_until <= ?))
                FOR UPDATE OF m SKIP LOCKED
            )
            , taken AS (
                UPDATE notification_messages m
                SET status = CASE WHEN c.opted_out THEN 'inhibited'::notification_message_status
                                  ELSE 'leased'::notification_message_status END,
                    status_reason = CASE WHEN c.opted_out THEN 'disabled by user' ELSE m.status_reason END,
                    leased_until = CASE WHEN c.opted_out THEN NULL ELSE ? END,
                    queued_seconds = greatest(0, extract(epoch FROM (?::timestamptz
                                         - coalesce(m.next_retry_after, m.created_at)))),
                    updated_at = ?
                FROM claimable c, notification_templates t
                WHERE m.id = c.id AND t.id = m.notification_template_id
                RETURNING m.id, m.status::text AS status, m.method::text AS method, m.payload::text AS payload,
                          m.attempt_count, m.created_at, m.leased_until, t.id AS template_id, t.name,
                          t.title_template, t.body_template, m.queued_seconds
            )
            SELECT * FROM taken
            UNION ALL
            -- Ids without a row in this statement's snapshot, which is the lease's own: see LeaseResult.absent.
            SELECT a.id, 'absent', NULL::text, NULL::text, NULL::integer, NULL::timestamptz, NULL::timestamptz,
                   NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::double precision
            FROM unnest(?::uuid[]) AS a(id)
            WHERE NOT EXISTS (SELECT 1 FROM notification_messages m WHERE m.id = a.id)
            """;

    /**
     * Every outcome of a batch in one statement. The lease guard makes a stale writer a no-op. Every outcome counts
     * as an attempt, the successful one included, as in Coder: a message sent on its third try shows 3.
     */
    private static final String RECORD = """
            UPDATE notification_messages m
            SET status = o.status::notification_message_status,
                status_reason = o.reason,
                attempt_count = m.attempt_count + 1,
                next_retry_after = o.next,
                leased_until = NULL,
                updated_at = ?
            FROM unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::timestamptz[])
                 AS o(id, lease, status, reason, next)
            WHERE m.id = o.id AND m.status = 'leased' AND m.leased_until = o.lease
            """;

    /** status_reason is for people; an error response can be long, the column should not be. */
    static final int MAX_REASON_LENGTH = 2_000;

    private final DataSource dataSource;
    private final ObjectMapper json =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public MessageStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Leases the claimable rows among {@code ids} until {@code now + period}. Rows that are not claimable (sent,
     * someone else's live lease, attempts used up, unknown) are simply not returned; rows whose recipient has since
     * opted out become {@code inhibited} in the same statement.
     */
    public LeaseResult lease(Collection<UUID> ids, Instant now, Duration period, int maxAttempts) throws SQLException {
        if (ids.isEmpty()) {
            return new LeaseResult(List.of(), List.of(), List.of(), List.of());
        }
        Instant until = now.plus(period);
        List<LeasedMessage> leased = new ArrayList<>();
        List<UUID> inhibited = new ArrayList<>();
        List<LeaseResult.Unreadable> unreadable = new ArrayList<>();
        List<UUID> absent = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(LEASE)) {
            Array idArray = connection.createArrayOf("uuid", ids.toArray());
            statement.setArray(1, idArray);
            statement.setInt(2, maxAttempts);
            statement.setObject(3, utc(now));
            statement.setObject(4, utc(now));
            statement.setObject(5, utc(until));
            statement.setObject(6, utc(now));
            statement.setObject(7, utc(now));
            statement.setArray(8, idArray);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    String status = rows.getString(2);
                    if ("inhibited".equals(status)) {
                        inhibited.add(id);
                        continue;
                    }
                    if ("absent".equals(status)) {
                        absent.add(id);
                        continue;
                    }
                    UUID templateId = rows.getObject(8, UUID.class);
                    Instant leasedUntil =
                            rows.getObject(7, OffsetDateTime.class).toInstant();
                    MessagePayload payload;
                    try {
                        payload = json.readValue(rows.getString(4), MessagePayload.class);
                    } catch (JsonProcessingException e) {
                        // One such row must not fail the lease of the others, which would then be retried forever.
                        unreadable.add(new LeaseResult.Unreadable(
                                id, templateId, leasedUntil, "the payload cannot be read: " + e.getOriginalMessage()));
                        continue;
                    }
                    leased.add(new LeasedMessage(
                            id,
                            templateId,
                            rows.getString(9),
                            rows.getString(10),
                            rows.getString(11),
                            NotificationMethod.fromSql(rows.getString(3)),
                            payload,
                            rows.getInt(5),
                            rows.getObject(6, OffsetDateTime.class).toInstant(),
                            leasedUntil,
                            rows.getDouble(12)));
                }
            }
        }
        return new LeaseResult(leased, inhibited, unreadable, absent);
    }

    /** Writes a batch of outcomes in one statement; returns how many rows were still under their lease. */
    public int record(Collection<Outcome> outcomes, Instant now) throws SQLException {
        if (outcomes.isEmpty()) {
            return 0;
        }
        int size = outcomes.size();
        Object[] ids = new Object[size];
        Object[] leases = new Object[size];
        Object[] statuses = new Object[size];
        Object[] reasons = new Object[size];
        Object[] nextAttempts = new Object[size];
        int i = 0;
        for (Outcome outcome : outcomes) {
            ids[i] = outcome.id();
            // ISO-8601 text with its offset, cast in SQL: unambiguous whatever the session's time zone.
            leases[i] = outcome.leasedUntil().toString();
            switch (outcome) {
                case Outcome.Sent sent -> statuses[i] = "sent";
                case Outcome.TemporaryFailure failure -> {
                    statuses[i] = "temporary_failure";
                    reasons[i] = clip(failure.reason());
                    nextAttempts[i] = failure.nextRetryAfter().toString();
                }
                case Outcome.PermanentFailure failure -> {
                    statuses[i] = "permanent_failure";
                    reasons[i] = clip(failure.reason());
                }
            }
            i++;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(RECORD)) {
            statement.setObject(1, utc(now));
            statement.setArray(2, connection.createArrayOf("uuid", ids));
            statement.setArray(3, connection.createArrayOf("text", leases));
            statement.setArray(4, connection.createArrayOf("text", statuses));
            statement.setArray(5, connection.createArrayOf("text", reasons));
            statement.setArray(6, connection.createArrayOf("text", nextAttempts));
            return statement.executeUpdate();
        }
    }

    /**
     * Gives back leased messages that were never sent (a dispatcher stopping): each becomes claimable again in the
     * state it was leased from — pending, or a temporary failure with its retry time — as if never leased. Guarded by
     * the lease, like every write of a dispatcher. Returns how many were given back.
     */
    public int release(Collection<LeasedMessage> messages, Instant now) throws SQLException {
        if (messages.isEmpty()) {
            return 0;
        }
        Object[] ids = messages.stream().map(LeasedMessage::id).toArray();
        Object[] leases = messages.stream().map(m -> m.leasedUntil().toString()).toArray();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        UPDATE notification_messages m
                        SET status = CASE WHEN m.next_retry_after IS NULL THEN 'pending'::notification_message_status
                                          ELSE 'temporary_failure'::notification_message_status END,
                            leased_until = NULL,
                            updated_at = ?
                        FROM unnest(?::uuid[], ?::timestamptz[]) AS r(id, lease)
                        WHERE m.id = r.id AND m.status = 'leased' AND m.leased_until = r.lease
                        """)) {
            statement.setObject(1, utc(now));
            statement.setArray(2, connection.createArrayOf("uuid", ids));
            statement.setArray(3, connection.createArrayOf("text", leases));
            return statement.executeUpdate();
        }
    }

    /**
     * Gives a permanently failed message a fresh set of attempts (an operator's re-drive). It becomes a temporary
     * failure due now, which a dispatcher may lease at once and which the reconciler re-drives should its token be
     * lost.
     *
     * @param by who asked, recorded in the status reason
     * @return the token to publish, or empty when the message is not a permanent failure (or does not exist)
     */
    public Optional<WorkToken> redrive(UUID id, String by, Instant now) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE notification_messages
                        SET status = 'temporary_failure', attempt_count = 0, next_retry_after = ?, leased_until = NULL,
                            status_reason = 're-driven by ' || ? || coalesce('; previous error: ' || status_reason, ''),
                            updated_at = ?
                        WHERE id = ? AND status = 'permanent_failure'
                        RETURNING id, method::text, notification_template_id, user_id, created_at
                        """)) {
            update.setObject(1, utc(now));
            update.setString(2, by);
            update.setObject(3, utc(now));
            update.setObject(4, id);
            try (ResultSet row = update.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new WorkToken(
                        row.getObject(1, UUID.class),
                        NotificationMethod.fromSql(row.getString(2)),
                        row.getObject(3, UUID.class),
                        row.getObject(4, UUID.class),
                        row.getObject(5, OffsetDateTime.class).toInstant(),
                        0));
            }
        }
    }

    private static String clip(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH - 3) + "...";
    }
}
