package dev.herald.server.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.db.SqlTime;
import dev.herald.model.MessagePayload.Action;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** A user's in-app inbox: what the inbox dispatcher wrote, listed newest first, and its read marks. */
public final class InboxStore {

    /** As many as Coder answers per page. */
    public static final int PAGE_SIZE = 25;

    private static final String COLUMNS =
            "id, user_id, template_id, targets, title, content, icon, actions::text, read_at, created_at";
    private static final TypeReference<List<Action>> ACTIONS = new TypeReference<>() {};

    /** One inbox notification, as stored. */
    public record Notification(
            UUID id,
            UUID userId,
            UUID templateId,
            List<UUID> targets,
            String title,
            String content,
            String icon,
            List<Action> actions,
            Optional<Instant> readAt,
            Instant createdAt) {

        public boolean read() {
            return readAt.isPresent();
        }
    }

    /** Which notifications to list. */
    public enum ReadStatus {
        ALL,
        READ,
        UNREAD
    }

    /**
     * The list's filters, as Coder's: notifications whose targets include every one of {@code targets}, of one of
     * {@code templates} (any when empty), in {@code readStatus}, older than the notification {@code startingBefore}.
     */
    public record Filter(
            List<UUID> targets, List<UUID> templates, ReadStatus readStatus, Optional<UUID> startingBefore) {

        public static final Filter EVERYTHING = new Filter(List.of(), List.of(), ReadStatus.ALL, Optional.empty());

        public Filter {
            targets = List.copyOf(targets);
            templates = List.copyOf(templates);
        }

        /** Whether a notification just delivered belongs in a watch with these filters. */
        public boolean admits(Notification notification) {
            return notification.targets().containsAll(targets)
                    && (templates.isEmpty() || templates.contains(notification.templateId()))
                    && switch (readStatus) {
                        case ALL -> true;
                        case READ -> notification.read();
                        case UNREAD -> !notification.read();
                    };
        }
    }

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper();

    public InboxStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * A page of {@code userId}'s inbox, newest first. Paging goes by the (created, id) of the {@code startingBefore}
     * notification, so notifications created in the same instant are neither skipped nor repeated; an id that is not
     * one of the user's own starts from the newest, as Coder does.
     */
    public List<Notification> list(UUID userId, Filter filter) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + """
                         FROM inbox_notifications n
                        WHERE n.user_id = ?
                          AND n.targets @> ?
                          AND (cardinality(?::uuid[]) = 0 OR n.template_id = ANY (?))
                          AND (? = 'ALL' OR (? = 'UNREAD') = (n.read_at IS NULL))
                          AND (NOT EXISTS (SELECT 1 FROM inbox_notifications b WHERE b.id = ? AND b.user_id = n.user_id)
                               OR (n.created_at, n.id) < (SELECT b.created_at, b.id FROM inbox_notifications b
                                                          WHERE b.id = ? AND b.user_id = n.user_id))
                        ORDER BY n.created_at DESC, n.id DESC
                        LIMIT ?
                        """)) {
            Array targets = connection.createArrayOf("uuid", filter.targets().toArray());
            Array templates =
                    connection.createArrayOf("uuid", filter.templates().toArray());
            UUID before = filter.startingBefore().orElse(null);
            select.setObject(1, userId);
            select.setArray(2, targets);
            select.setArray(3, templates);
            select.setArray(4, templates);
            select.setString(5, filter.readStatus().name());
            select.setString(6, filter.readStatus().name());
            select.setObject(7, before);
            select.setObject(8, before);
            select.setInt(9, PAGE_SIZE);
            List<Notification> page = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    page.add(notification(rows));
                }
            }
            return page;
        }
    }

    /** One of {@code userId}'s notifications; another user's is as absent as one that does not exist. */
    public Optional<Notification> find(UUID userId, UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM inbox_notifications WHERE id = ? AND user_id = ?")) {
            select.setObject(1, id);
            select.setObject(2, userId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(notification(row)) : Optional.empty();
            }
        }
    }

    public int unreadCount(UUID userId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT count(*) FROM inbox_notifications WHERE user_id = ? AND read_at IS NULL")) {
            count.setObject(1, userId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /**
     * Marks one of {@code userId}'s notifications read at {@code at}, or unread when empty; a notification already
     * read keeps the time it was first read. False when the user has no such notification.
     */
    public boolean setRead(UUID userId, UUID id, Optional<Instant> at) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement("""
                        UPDATE inbox_notifications
                           SET read_at = CASE WHEN ?::timestamptz IS NULL THEN NULL
                                              ELSE coalesce(read_at, ?::timestamptz) END
                         WHERE id = ? AND user_id = ?
                        """)) {
            OffsetDateTime time = at.map(SqlTime::utc).orElse(null);
            update.setObject(1, time);
            update.setObject(2, time);
            update.setObject(3, id);
            update.setObject(4, userId);
            return update.executeUpdate() > 0;
        }
    }

    /** Marks every unread notification of {@code userId} read at {@code at}. */
    public int markAllRead(UUID userId, Instant at) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE inbox_notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL")) {
            update.setObject(1, SqlTime.utc(at));
            update.setObject(2, userId);
            return update.executeUpdate();
        }
    }

    private Notification notification(ResultSet row) throws SQLException {
        UUID[] targets = (UUID[]) row.getArray(4).getArray();
        OffsetDateTime readAt = row.getObject(9, OffsetDateTime.class);
        return new Notification(
                row.getObject(1, UUID.class),
                row.getObject(2, UUID.class),
                row.getObject(3, UUID.class),
                Arrays.asList(targets),
                row.getString(5),
                row.getString(6),
                row.getString(7),
                actions(row.getString(8)),
                Optional.ofNullable(readAt).map(OffsetDateTime::toInstant),
                row.getObject(10, OffsetDateTime.class).toInstant());
    }

    private List<Action> actions(String stored) {
        try {
            return json.readValue(stored, ACTIONS);
        } catch (JsonProcessingException e) {
            // Only the inbox dispatcher writes this column, always from a list of actions.
            throw new IllegalStateException("an inbox notification's actions are not a JSON list", e);
        }
    }
}
