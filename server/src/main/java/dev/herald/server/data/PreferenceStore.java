package dev.herald.server.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/** Which notifications each user turned off. */
public final class PreferenceStore {

    /** One template's setting for one user. */
    public record Preference(UUID id, boolean disabled, Instant updatedAt) {}

    private final DataSource dataSource;

    public PreferenceStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Preference> forUser(UUID userId) throws SQLException {
        List<Preference> preferences = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT notification_template_id, disabled,"
                        + " updated_at FROM notification_preferences WHERE user_id = ?"
                        + " ORDER BY notification_template_id")) {
            select.setObject(1, userId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    preferences.add(new Preference(
                            rows.getObject(1, UUID.class),
                            rows.getBoolean(2),
                            rows.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
        }
        return preferences;
    }

    /** Applies every choice in one transaction: all of them or none. */
    public void update(UUID userId, Map<UUID, Boolean> disabledByTemplate) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO notification_preferences (user_id, notification_template_id, disabled)
                    VALUES (?, ?, ?)
                    ON CONFLICT (user_id, notification_template_id)
                    DO UPDATE SET disabled = EXCLUDED.disabled, updated_at = now()
                    WHERE notification_preferences.disabled IS DISTINCT FROM EXCLUDED.disabled
                    """)) {
                for (Map.Entry<UUID, Boolean> choice : disabledByTemplate.entrySet()) {
                    upsert.setObject(1, userId);
                    upsert.setObject(2, choice.getKey());
                    upsert.setBoolean(3, choice.getValue());
                    upsert.addBatch();
                }
                upsert.executeBatch();
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
