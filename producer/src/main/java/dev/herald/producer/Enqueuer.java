package dev.herald.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Enqueues notifications as a transactional outbox: inside the caller's own transaction, so the notification exists
 * if and only if the caller's business change commits. The rules (dedupe, opt-out, required labels) are the
 * database's; this class turns their outcomes into values and exceptions a Java caller can act on.
 */
public final class Enqueuer {

    /** Labels and data together; a notification is a pointer to an event, not a document store. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    private static final String TRY_ENQUEUE =
            "SELECT message_id, outcome, detail FROM try_enqueue_notification_message(?, ?, ?::jsonb, ?::jsonb, ?, ?)";

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper();

    public Enqueuer(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Enqueues on the caller's connection, in the caller's transaction; nothing is committed here.
     *
     * @throws EnqueueRejectedException when the request is wrong; the caller's transaction is still usable
     * @throws SQLException when the database fails
     */
    public EnqueueResult enqueue(Connection transaction, EnqueueRequest request) throws SQLException {
        String labels = toJson(request.labels(), "labels");
        String data = toJson(request.data(), "data");
        int size = labels.getBytes(StandardCharsets.UTF_8).length + data.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new EnqueueRejectedException(
                    "data",
                    "labels and data take " + size + " bytes; the limit is " + MAX_PAYLOAD_BYTES
                            + ". Fix: send identifiers and let the receiver look the details up.");
        }
        try (PreparedStatement statement = transaction.prepareStatement(TRY_ENQUEUE)) {
            statement.setObject(1, request.templateId());
            statement.setObject(2, request.userId());
            statement.setString(3, labels);
            statement.setString(4, data);
            statement.setString(5, request.createdBy());
            Array targets = request.targets() == null
                    ? null
                    : transaction.createArrayOf("uuid", request.targets().toArray());
            statement.setArray(6, targets);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return outcome(request, row.getObject(1, UUID.class), row.getString(2), row.getString(3));
            }
        }
    }

    /** Enqueues in a transaction of its own and commits it. */
    public EnqueueResult enqueue(EnqueueRequest request) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                EnqueueResult result = enqueue(connection, request);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static EnqueueResult outcome(EnqueueRequest request, UUID id, String outcome, String detail) {
        return switch (outcome) {
            case "enqueued" -> new EnqueueResult.Enqueued(request.userId(), id);
            case "duplicate" -> new EnqueueResult.Duplicate(request.userId(), detail);
            case "disabled" -> new EnqueueResult.DisabledByUser(request.userId(), detail);
            case "unknown_template" ->
                throw new EnqueueRejectedException(
                        "template_id", detail + ". Fix: use the id of a row of notification_templates.");
            case "unknown_user" ->
                throw new EnqueueRejectedException("user_id", detail + ". Fix: use the id of a row of users.");
            case "invalid_labels" -> throw new EnqueueRejectedException("labels", detail + ".");
            default -> throw new IllegalStateException("unexpected enqueue outcome " + outcome);
        };
    }

    private String toJson(Object value, String field) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new EnqueueRejectedException(field, field + " cannot be written as JSON: " + e.getOriginalMessage());
        }
    }
}
