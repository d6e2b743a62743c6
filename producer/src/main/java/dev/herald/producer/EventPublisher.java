package dev.herald.producer;

import dev.herald.model.UserRole;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Turns an {@link Event} into one message per recipient, all in one transaction. */
public final class EventPublisher {

    private static final String ACTIVE_WITH_ROLE = """
            SELECT id FROM users
            WHERE status = 'active' AND roles && ?::text[] AND id IS DISTINCT FROM ?
            ORDER BY id
            """;

    private final DataSource dataSource;
    private final Enqueuer enqueuer;

    public EventPublisher(DataSource dataSource, Enqueuer enqueuer) {
        this.dataSource = dataSource;
        this.enqueuer = enqueuer;
    }

    /** Publishes in a transaction of its own. */
    public FanOutResult publish(Event event, String createdBy) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                FanOutResult result = publish(connection, event, createdBy);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Publishes in the caller's transaction: the messages exist if and only if the caller commits. */
    public FanOutResult publish(Connection transaction, Event event, String createdBy) throws SQLException {
        List<EnqueueResult> results = new ArrayList<>();
        for (Event.Notice notice : event.notices()) {
            for (UUID recipient : recipients(transaction, notice.recipients())) {
                results.add(enqueuer.enqueue(
                        transaction,
                        new EnqueueRequest(
                                notice.templateId(), recipient, notice.labels(), notice.data(), createdBy, null)));
            }
        }
        return new FanOutResult(results);
    }

    private static List<UUID> recipients(Connection connection, Recipients recipients) throws SQLException {
        return switch (recipients) {
            case Recipients.User user -> List.of(user.userId());
            case Recipients.Users users -> users.userIds();
            case Recipients.WithRole withRole -> activeWithRole(connection, withRole);
        };
    }

    private static List<UUID> activeWithRole(Connection connection, Recipients.WithRole rule) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ACTIVE_WITH_ROLE)) {
            Array roles = connection.createArrayOf(
                    "text", rule.roles().stream().map(UserRole::sqlName).toArray());
            statement.setArray(1, roles);
            statement.setObject(2, rule.excluded(), java.sql.Types.OTHER);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }
}
