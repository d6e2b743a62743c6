package dev.herald.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.db.SqlTime;
import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;
import dev.herald.store.LeasedMessage;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Delivers to the in-app inbox: one {@code inbox_notifications} row per message, with the title and body as rendered
 * Markdown (as Coder stores them), and a NOTIFY that lets every API replica push it to the recipient's open watch
 * sockets. The row's id is the message's, so a redelivery after a crash writes nothing twice.
 */
public final class InboxSender implements Sender {

    /** The LISTEN/NOTIFY channel that announces new inbox rows; the payload is {@code <user id> <row id>}. */
    public static final String CHANNEL = "herald_inbox";

    private static final String INSERT = """
            INSERT INTO inbox_notifications (id, user_id, template_id, targets, title, content, actions, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)
            ON CONFLICT (id) DO NOTHING
            """;
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DataSource dataSource;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public InboxSender(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public NotificationMethod method() {
        return NotificationMethod.INBOX;
    }

    @Override
    public DeliveryResult send(Delivery delivery) {
        LeasedMessage message = delivery.message();
        String actions;
        try {
            actions = json.writeValueAsString(delivery.rendered().actions());
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Permanent("the actions cannot be written as JSON: " + e.getOriginalMessage());
        }
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (insert(connection, message, delivery, actions)) {
                    announce(connection, message);
                }
                connection.commit();
                return new DeliveryResult.Delivered();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())) {
                return new DeliveryResult.Permanent(
                        "the recipient or the template no longer exists: " + e.getMessage());
            }
            return new DeliveryResult.Retryable("the inbox could not be written: " + e.getMessage());
        }
    }

    private boolean insert(Connection connection, LeasedMessage message, Delivery delivery, String actions)
            throws SQLException {
        List<UUID> targets = message.payload().targets() == null
                ? List.of()
                : message.payload().targets();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            Array targetArray = connection.createArrayOf("uuid", targets.toArray());
            insert.setObject(1, message.id());
            insert.setObject(2, message.payload().userId());
            insert.setObject(3, message.templateId());
            insert.setArray(4, targetArray);
            insert.setString(5, delivery.rendered().title());
            insert.setString(6, delivery.rendered().bodyMarkdown());
            insert.setString(7, actions);
            insert.setObject(8, SqlTime.utc(clock.instant()));
            return insert.executeUpdate() > 0;
        }
    }

    /** Sent when the transaction commits, so no watcher hears of a row it cannot read yet. */
    private static void announce(Connection connection, LeasedMessage message) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            notify.setString(1, message.payload().userId() + " " + message.id());
            notify.execute();
        }
    }
}
