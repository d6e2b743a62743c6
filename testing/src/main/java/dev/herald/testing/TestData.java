package dev.herald.testing;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Builders that put rows straight into Herald's tables, for test setup. They write SQL rather than going through
 * Herald's code so that a test of that code never depends on the code under test to arrange its data.
 */
public final class TestData {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final DataSource dataSource;

    public TestData(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public UserBuilder user() {
        return new UserBuilder();
    }

    /** Records the user's choice for one template, as the preferences page would. */
    public void setPreference(UUID userId, UUID templateId, boolean disabled) {
        update("""
                INSERT INTO notification_preferences (user_id, notification_template_id, disabled, created_at, updated_at)
                VALUES (?, ?, ?, now(), now())
                ON CONFLICT (user_id, notification_template_id)
                DO UPDATE SET disabled = EXCLUDED.disabled, updated_at = now()
                """, userId, templateId, disabled);
    }

    /** Turns on, for this user, every template that is off unless a user turns it on (Coder's Workspace Created). */
    public void turnOnEveryTemplate(UUID userId) {
        update("""
                INSERT INTO notification_preferences (user_id, notification_template_id, disabled, created_at, updated_at)
                SELECT ?, id, false, now(), now() FROM notification_templates WHERE NOT enabled_by_default
                ON CONFLICT (user_id, notification_template_id) DO UPDATE SET disabled = false, updated_at = now()
                """, userId);
    }

    /** Enqueues through the SQL function with these labels (a JSON object); returns the message id. */
    public UUID enqueue(UUID template, UUID user, String labelsJson) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, ?::jsonb, '{}', 'test-data')")) {
            statement.setObject(1, template);
            statement.setObject(2, user);
            statement.setString(3, labelsJson);
            try (java.sql.ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Enqueues {@code template} for {@code user} through the SQL function, with every label the template requires set
     * to {@code value-of-<label>}; returns the message id.
     */
    public UUID enqueueWithRequiredLabels(UUID template, UUID user, String dataJson) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT enqueue_notification_message(t.id, ?,
                            coalesce((SELECT jsonb_object_agg(l, 'value-of-' || l) FROM unnest(t.required_labels) l),
                                     '{}'), ?::jsonb, 'test-data')
                        FROM notification_templates t WHERE t.id = ?
                        """)) {
            statement.setObject(1, user);
            statement.setString(2, dataJson);
            statement.setObject(3, template);
            try (java.sql.ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalArgumentException("no template " + template);
                }
                return row.getObject(1, UUID.class);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * Writes one message per payload with a single {@code COPY} statement (all rows share one commit and one LSN, the
     * case a CDC relay finds hardest); returns their ids in order.
     */
    public java.util.List<UUID> copyMessages(UUID template, UUID user, String method, java.util.List<String> payloads) {
        java.util.List<UUID> ids = new java.util.ArrayList<>();
        StringBuilder rows = new StringBuilder();
        for (String payload : payloads) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            rows.append(id)
                    .append('\t')
                    .append(template)
                    .append('\t')
                    .append(user)
                    .append('\t')
                    .append(method)
                    .append("\tcopy-test\t")
                    .append(payload.replace("\\", "\\\\"))
                    .append('\n');
        }
        try (Connection connection = dataSource.getConnection()) {
            connection
                    .unwrap(org.postgresql.PGConnection.class)
                    .getCopyAPI()
                    .copyIn(
                            "COPY notification_messages (id, notification_template_id, user_id, method, created_by,"
                                    + " payload) FROM STDIN",
                            new java.io.StringReader(rows.toString()));
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("COPY failed: " + e.getMessage(), e);
        }
        return ids;
    }

    /** One column (or expression over the row) of a message, as text, for assertions. */
    public String messageColumn(UUID messageId, String expression) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT (" + expression + ")::text FROM notification_messages WHERE id = ?")) {
            statement.setObject(1, messageId);
            try (java.sql.ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** How many messages match {@code where}, a condition over notification_messages with ? parameters. */
    public long countMessages(String where, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM notification_messages WHERE " + where)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (java.sql.ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A user with unique defaults; override what the test cares about. */
    public final class UserBuilder {
        private final int n = SEQUENCE.incrementAndGet();
        private UUID id = UUID.randomUUID();
        private String username = "user" + n;
        private String email = "user" + n + "@example.com";
        private String name = "User " + n;
        private List<String> roles = List.of("member");
        private String status = "active";

        public UserBuilder id(UUID value) {
            this.id = value;
            return this;
        }

        public UserBuilder username(String value) {
            this.username = value;
            return this;
        }

        public UserBuilder email(String value) {
            this.email = value;
            return this;
        }

        public UserBuilder name(String value) {
            this.name = value;
            return this;
        }

        public UserBuilder roles(String... values) {
            this.roles = List.of(values);
            return this;
        }

        public UserBuilder status(String value) {
            this.status = value;
            return this;
        }

        /** Inserts the user and returns its id. */
        public UUID insert() {
            try (Connection connection = dataSource.getConnection();
                    PreparedStatement statement = connection.prepareStatement("""
                            INSERT INTO users (id, email, username, name, roles, status, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?::user_status, now(), now())
                            """)) {
                Array roleArray = connection.createArrayOf("text", roles.toArray());
                statement.setObject(1, id);
                statement.setString(2, email);
                statement.setString(3, username);
                statement.setString(4, name);
                statement.setArray(5, roleArray);
                statement.setString(6, status);
                statement.executeUpdate();
                return id;
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
