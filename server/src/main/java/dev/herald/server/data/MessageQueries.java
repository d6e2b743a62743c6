package dev.herald.server.data;

import static dev.herald.db.SqlTime.utc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Troubleshooting reads of {@code notification_messages}: pages, one message, counts by state. */
public final class MessageQueries {

    private static final String SELECT = """
            SELECT m.id, m.notification_template_id, t.name, m.user_id, u.username, m.method::text, m.status::text,
                   m.status_reason, m.created_by, m.attempt_count, m.created_at, m.updated_at, m.leased_until,
                   m.next_retry_after, m.queued_seconds, m.payload::text
            FROM notification_messages m
            JOIN notification_templates t ON t.id = m.notification_template_id
            LEFT JOIN users u ON u.id = m.user_id
            """;

    private final DataSource dataSource;

    public MessageQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A page, newest first; served by the (user_id|template, created_at) indexes or the created_at index. */
    public List<MessageView> list(MessageFilter filter) throws SQLException {
        StringBuilder where = new StringBuilder(" WHERE true");
        List<Object> parameters = new ArrayList<>();
        filter.status().ifPresent(status -> {
            where.append(" AND m.status = ?::notification_message_status");
            parameters.add(status);
        });
        filter.userId().ifPresent(user -> {
            where.append(" AND m.user_id = ?");
            parameters.add(user);
        });
        filter.templateId().ifPresent(template -> {
            where.append(" AND m.notification_template_id = ?");
            parameters.add(template);
        });
        filter.method().ifPresent(method -> {
            where.append(" AND m.method = ?::notification_method");
            parameters.add(method);
        });
        filter.createdAfter().ifPresent(after -> {
            where.append(" AND m.created_at >= ?");
            parameters.add(utc(after));
        });
        filter.createdBefore().ifPresent(before -> {
            where.append(" AND m.created_at < ?");
            parameters.add(utc(before));
        });
        filter.before().ifPresent(cursor -> {
            where.append(" AND (m.created_at, m.id) < (?, ?)");
            parameters.add(utc(cursor.createdAt()));
            parameters.add(cursor.id());
        });
        String sql = SELECT + where + " ORDER BY m.created_at DESC, m.id DESC LIMIT ?";
        parameters.add(filter.limit());
        List<MessageView> messages = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    messages.add(view(rows));
                }
            }
        }
        return messages;
    }

    public Optional<MessageView> find(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(SELECT + " WHERE m.id = ?")) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(view(row)) : Optional.empty();
            }
        }
    }

    /** How many messages are in each state (every state listed, zero included). */
    public Map<String, Long> countsByStatus() throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT s.status::text, count(m.id)
                        FROM unnest(enum_range(NULL::notification_message_status)) AS s(status)
                        LEFT JOIN notification_messages m ON m.status = s.status
                        GROUP BY s.status ORDER BY s.status
                        """);
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private static MessageView view(ResultSet row) throws SQLException {
        return new MessageView(
                row.getObject(1, UUID.class),
                row.getObject(2, UUID.class),
                row.getString(3),
                row.getObject(4, UUID.class),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                row.getString(8),
                row.getString(9),
                row.getInt(10),
                instant(row, 11),
                instant(row, 12),
                instant(row, 13),
                instant(row, 14),
                row.getObject(15) == null ? null : row.getDouble(15),
                row.getString(16));
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
