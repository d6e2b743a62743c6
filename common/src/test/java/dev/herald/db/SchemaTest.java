package dev.herald.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.MessageStatus;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema on a real PostgreSQL: Coder's names, and the rules producers in any language get from the database. */
class SchemaTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final TestData data = new TestData(postgres.dataSource());
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theEnumsHaveCodersValues() throws SQLException {
        assertThat(enumValues("notification_method"))
                .containsExactly(Arrays.stream(NotificationMethod.values())
                        .map(NotificationMethod::sqlName)
                        .toArray(String[]::new));
        assertThat(enumValues("notification_message_status"))
                .containsExactly(
                        "pending", "leased", "sent", "permanent_failure", "temporary_failure", "unknown", "inhibited");
        assertThat(enumValues("notification_message_status"))
                .containsExactlyInAnyOrder(Arrays.stream(MessageStatus.values())
                        .map(MessageStatus::sqlName)
                        .toArray(String[]::new));
        assertThat(enumValues("user_status")).containsExactly("active", "suspended", "dormant");
    }

    @Test
    void theTablesHaveCodersColumns() throws SQLException {
        assertThat(columns("notification_messages"))
                .containsExactlyInAnyOrderEntriesOf(ordered(
                        "id", "uuid",
                        "notification_template_id", "uuid",
                        "user_id", "uuid",
                        "method", "notification_method",
                        "status", "notification_message_status",
                        "status_reason", "text",
                        "created_by", "text",
                        "payload", "jsonb",
                        "attempt_count", "integer",
                        "targets", "uuid[]",
                        "created_at", "timestamp with time zone",
                        "updated_at", "timestamp with time zone",
                        "leased_until", "timestamp with time zone",
                        "next_retry_after", "timestamp with time zone",
                        "queued_seconds", "double precision",
                        "dedupe_hash", "text"));
        assertThat(columns("notification_templates"))
                .containsAllEntriesOf(ordered(
                        "id", "uuid",
                        "name", "text",
                        "title_template", "text",
                        "body_template", "text",
                        "actions", "jsonb",
                        "group", "text",
                        "method", "notification_method",
                        "kind", "notification_template_kind",
                        "enabled_by_default", "boolean"));
        assertThat(columns("notification_preferences"))
                .containsExactlyInAnyOrderEntriesOf(ordered(
                        "user_id", "uuid",
                        "notification_template_id", "uuid",
                        "disabled", "boolean",
                        "created_at", "timestamp with time zone",
                        "updated_at", "timestamp with time zone"));
        assertThat(columns("users"))
                .containsExactlyInAnyOrderEntriesOf(ordered(
                        "id", "uuid",
                        "email", "text",
                        "username", "text",
                        "name", "text",
                        "roles", "text[]",
                        "status", "user_status",
                        "created_at", "timestamp with time zone",
                        "updated_at", "timestamp with time zone",
                        "hashed_password", "text"));
        assertThat(columns("api_keys")).containsEntry("hashed_secret", "bytea").doesNotContainKey("secret");
        assertThat(columns("site_configs")).containsKeys("key", "value");
    }

    @Test
    void everySystemTemplateIsSeededWithItsFixedId() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                ResultSet rows = connection.createStatement().executeQuery("SELECT id FROM notification_templates")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(SystemTemplates.ALL);
        assertThat(queryString(
                        "SELECT name FROM notification_templates WHERE id = ?", SystemTemplates.WORKSPACE_DELETED))
                .isEqualTo("Workspace Deleted");
    }

    @Test
    void pauseSettingAndDefaultMethodLiveInSiteConfigs() throws Exception {
        JsonNode settings =
                json.readTree(queryString("SELECT value FROM site_configs WHERE key = ?", "notifications_settings"));
        assertThat(settings.get("notifier_paused").asBoolean()).isFalse();
        assertThat(queryString("SELECT value FROM site_configs WHERE key = ?", "notifications_default_method"))
                .isEqualTo("smtp");
    }

    @Test
    void enqueueReturnsAnIdAndSnapshotsTheUser() throws Exception {
        UUID user = data.user()
                .username("danny")
                .name("")
                .email("danny@example.com")
                .insert();

        UUID id = enqueue(
                SystemTemplates.WORKSPACE_DELETED,
                user,
                "{\"name\": \"my-workspace\", \"reason\": \"initiated by user\", \"initiator\": \"danny\"}");

        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT * FROM notification_messages WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("status")).isEqualTo("pending");
                assertThat(row.getString("method")).isEqualTo("smtp");
                assertThat(row.getInt("attempt_count")).isZero();
                assertThat(row.getString("created_by")).isEqualTo("schema-test");
                assertThat(row.getString("dedupe_hash")).hasSize(32);
                JsonNode payload = json.readTree(row.getString("payload"));
                assertThat(payload.get("notification_name").asText()).isEqualTo("Workspace Deleted");
                assertThat(payload.get("notification_template_id").asText())
                        .isEqualTo(SystemTemplates.WORKSPACE_DELETED.toString());
                assertThat(payload.get("user_id").asText()).isEqualTo(user.toString());
                assertThat(payload.get("user_email").asText()).isEqualTo("danny@example.com");
                assertThat(payload.get("user_name").asText())
                        .as("name falls back to the username")
                        .isEqualTo("danny");
                assertThat(payload.get("user_username").asText()).isEqualTo("danny");
                assertThat(payload.get("labels").get("name").asText()).isEqualTo("my-workspace");
                assertThat(payload.get("actions")).hasSize(2);
            }
        }

        // A snapshot: renaming the user afterwards does not change the enqueued message.
        postgres.execute("UPDATE users SET email = 'new@example.com' WHERE id = '" + user + "'");
        assertThat(queryString("SELECT payload->>'user_email' FROM notification_messages WHERE id = ?", id))
                .isEqualTo("danny@example.com");
    }

    @Test
    void theTemplatesOwnMethodOverridesTheDeploymentDefault() throws Exception {
        UUID user = data.user().insert();
        postgres.execute("UPDATE notification_templates SET method = 'webhook' WHERE id = '"
                + SystemTemplates.TEMPLATE_DELETED + "'");
        try {
            UUID overridden = enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t1\"}");
            UUID byDefault = enqueue(SystemTemplates.TEST_NOTIFICATION, user, "{}");

            assertThat(queryString("SELECT method::text FROM notification_messages WHERE id = ?", overridden))
                    .isEqualTo("webhook");
            assertThat(queryString("SELECT method::text FROM notification_messages WHERE id = ?", byDefault))
                    .isEqualTo("smtp");

            postgres.execute("UPDATE site_configs SET value = 'webhook' WHERE key = 'notifications_default_method'");
            UUID newDefault = enqueue(SystemTemplates.TEST_NOTIFICATION, user, "{\"run\": \"2\"}");
            assertThat(queryString("SELECT method::text FROM notification_messages WHERE id = ?", newDefault))
                    .isEqualTo("webhook");
        } finally {
            postgres.execute("UPDATE notification_templates SET method = NULL WHERE id = '"
                    + SystemTemplates.TEMPLATE_DELETED + "'");
            postgres.execute("UPDATE site_configs SET value = 'smtp' WHERE key = 'notifications_default_method'");
        }
    }

    @Test
    void aRepeatOnTheSameDayIsRejectedAndTheNextDayAccepted() throws SQLException {
        UUID user = data.user().insert();
        MutableClock clock = MutableClock.at(Instant.parse("2026-03-02T08:00:00Z"));

        insertDirectly(user, clock.instant());
        clock.advance(Duration.ofHours(15)); // 23:00 the same UTC day
        assertThatThrownBy(() -> insertDirectly(user, clock.instant()))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("23505");
                    assertThat(e.getMessage()).contains("notification_messages_dedupe_hash_idx");
                });

        clock.advance(Duration.ofHours(2)); // 01:00 the next UTC day
        insertDirectly(user, clock.instant());

        assertThat(countMessages(user)).isEqualTo(2);
    }

    @Test
    void theDedupeHashCoversPayloadTargetsAndMethod() throws SQLException {
        UUID user = data.user().insert();
        Instant now = Instant.parse("2026-03-02T08:00:00Z");
        insertDirectly(user, now, "smtp", "{\"labels\": {\"a\": \"1\"}}", null);
        insertDirectly(user, now, "webhook", "{\"labels\": {\"a\": \"1\"}}", null);
        insertDirectly(user, now, "smtp", "{\"labels\": {\"a\": \"2\"}}", null);
        insertDirectly(user, now, "smtp", "{\"labels\": {\"a\": \"1\"}}", new UUID[] {UUID.randomUUID()});
        assertThat(countMessages(user)).isEqualTo(4);
    }

    @Test
    void theEnqueueFunctionReportsDuplicatesWithItsOwnError() throws Exception {
        UUID user = data.user().insert();
        enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"same\"}");

        assertThatThrownBy(() -> enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"same\"}"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN002");
                    assertThat(e.getMessage()).contains("duplicate notification");
                });
    }

    @Test
    void anExplicitOptOutIsRejected() throws Exception {
        UUID user = data.user().insert();
        data.setPreference(user, SystemTemplates.TEMPLATE_DELETED, true);

        assertThatThrownBy(() -> enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\"}"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN001");
                    assertThat(e.getMessage()).contains("has disabled");
                });
        assertThatThrownBy(
                        () -> insertDirectly(user, Instant.now(), "smtp", "{}", null, SystemTemplates.TEMPLATE_DELETED))
                .as("the rule holds for a plain INSERT too")
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("HN001"));

        data.setPreference(user, SystemTemplates.TEMPLATE_DELETED, false);
        assertThat(enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\"}"))
                .isNotNull();
    }

    @Test
    void aTemplateOffByDefaultNeedsTheUserToTurnItOn() throws Exception {
        UUID user = data.user().insert();
        postgres.execute("UPDATE notification_templates SET enabled_by_default = false WHERE id = '"
                + SystemTemplates.WORKSPACE_DORMANT + "'");
        try {
            String labels = "{\"name\": \"w\", \"reason\": \"inactivity\", \"timeTilDormant\": \"30 days\"}";
            assertThatThrownBy(() -> enqueue(SystemTemplates.WORKSPACE_DORMANT, user, labels))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("HN001"));

            data.setPreference(user, SystemTemplates.WORKSPACE_DORMANT, false);
            assertThat(enqueue(SystemTemplates.WORKSPACE_DORMANT, user, labels)).isNotNull();
        } finally {
            postgres.execute("UPDATE notification_templates SET enabled_by_default = true WHERE id = '"
                    + SystemTemplates.WORKSPACE_DORMANT + "'");
        }
    }

    @Test
    void badInputGetsItsOwnErrorsBeforeAnythingIsWritten() {
        UUID user = data.user().insert();
        assertThatThrownBy(() -> enqueue(UUID.randomUUID(), user, "{}"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN003");
                    assertThat(e.getMessage()).contains("unknown notification template");
                });
        assertThatThrownBy(() -> enqueue(SystemTemplates.TEST_NOTIFICATION, UUID.randomUUID(), "{}"))
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("HN004"));
        assertThatThrownBy(() -> enqueue(SystemTemplates.WORKSPACE_DELETED, user, "{\"name\": \"w\"}"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN005");
                    assertThat(e.getMessage()).contains("template \"Workspace Deleted\" needs the labels: reason");
                });
        assertThatThrownBy(() -> enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": 42}"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN005");
                    assertThat(e.getMessage()).contains("these are not: name");
                });
        assertThatThrownBy(() -> enqueue(SystemTemplates.TEST_NOTIFICATION, user, "[]"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN005");
                    assertThat(e.getMessage()).contains("labels must be a JSON object of strings, got a JSON array");
                });
        assertThatThrownBy(() -> enqueue(SystemTemplates.TEST_NOTIFICATION, user, "{}", "[1]"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("HN005");
                    assertThat(e.getMessage()).contains("data must be a JSON object, got a JSON array");
                });
        assertThatThrownBy(() -> enqueue(UUID.randomUUID(), UUID.randomUUID(), "[]"))
                .as("an unknown template is named first, before the recipient and the labels")
                .isInstanceOfSatisfying(
                        SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("HN003"));
        assertThat(countMessages(user)).isZero();
    }

    @Test
    void thePublicationCarriesInsertsOnly() throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                ResultSet row = connection.createStatement().executeQuery("""
                        SELECT p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,
                               array_agg(t.tablename::text) AS tables
                        FROM pg_publication p JOIN pg_publication_tables t ON t.pubname = p.pubname
                        WHERE p.pubname = 'herald_notification_messages'
                        GROUP BY 1, 2, 3, 4
                        """)) {
            assertThat(row.next()).isTrue();
            assertThat(row.getBoolean("pubinsert")).isTrue();
            assertThat(row.getBoolean("pubupdate")).isFalse();
            assertThat(row.getBoolean("pubdelete")).isFalse();
            assertThat(row.getBoolean("pubtruncate")).isFalse();
            assertThat((String[]) row.getArray("tables").getArray()).containsExactly("notification_messages");
        }
    }

    @Test
    void theServerRunsWithLogicalReplication() throws SQLException {
        assertThat(queryString("SELECT current_setting(?)", "wal_level")).isEqualTo("logical");
    }

    /**
     * The queue's hot queries are served by an index, not a scan of the whole table. The planner is told to avoid
     * sequential scans because on a small test table it would rightly prefer one; what is checked is that a fitting
     * index exists and matches the predicate.
     */
    @Test
    void theQueuesHotQueriesHaveIndexes() throws SQLException {
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put(
                "SELECT id FROM notification_messages WHERE status = 'pending' AND created_at < now() - interval '1 minute'"
                        + " ORDER BY created_at LIMIT 500",
                "notification_messages_pending_idx");
        queries.put(
                "SELECT id FROM notification_messages WHERE status = 'temporary_failure' AND next_retry_after < now()"
                        + " ORDER BY next_retry_after LIMIT 500",
                "notification_messages_retry_due_idx");
        queries.put(
                "SELECT id FROM notification_messages WHERE status = 'leased' AND leased_until < now()"
                        + " ORDER BY leased_until LIMIT 500",
                "notification_messages_lease_expiry_idx");
        queries.put(
                "SELECT id FROM notification_messages WHERE created_at < now() - interval '7 days' LIMIT 1000",
                "notification_messages_created_at_idx");
        try (Connection connection = postgres.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL enable_seqscan = off");
                for (Map.Entry<String, String> query : queries.entrySet()) {
                    StringBuilder plan = new StringBuilder();
                    try (ResultSet rows = statement.executeQuery("EXPLAIN " + query.getKey())) {
                        while (rows.next()) {
                            plan.append(rows.getString(1)).append('\n');
                        }
                    }
                    assertThat(plan.toString()).as(query.getKey()).contains(query.getValue());
                }
            } finally {
                connection.rollback();
            }
        }
    }

    private UUID enqueue(UUID template, UUID user, String labels) throws SQLException {
        return enqueue(template, user, labels, "{}");
    }

    private UUID enqueue(UUID template, UUID user, String labels, String data) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, ?::jsonb, ?::jsonb, 'schema-test')")) {
            statement.setObject(1, template);
            statement.setObject(2, user);
            statement.setString(3, labels);
            statement.setString(4, data);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private void insertDirectly(UUID user, Instant createdAt) throws SQLException {
        insertDirectly(user, createdAt, "smtp", "{\"labels\": {}}", null);
    }

    private void insertDirectly(UUID user, Instant createdAt, String method, String payload, UUID[] targets)
            throws SQLException {
        insertDirectly(user, createdAt, method, payload, targets, SystemTemplates.TEST_NOTIFICATION);
    }

    private void insertDirectly(
            UUID user, Instant createdAt, String method, String payload, UUID[] targets, UUID template)
            throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        INSERT INTO notification_messages
                            (notification_template_id, user_id, method, created_by, payload, targets, created_at)
                        VALUES (?, ?, ?::notification_method, 'schema-test', ?::jsonb, ?, ?)
                        """)) {
            statement.setObject(1, template);
            statement.setObject(2, user);
            statement.setString(3, method);
            statement.setString(4, payload);
            Array array = targets == null ? null : connection.createArrayOf("uuid", targets);
            statement.setArray(5, array);
            statement.setTimestamp(6, Timestamp.from(createdAt));
            statement.executeUpdate();
        }
    }

    private long countMessages(UUID user) {
        try {
            return Long.parseLong(queryString("SELECT count(*) FROM notification_messages WHERE user_id = ?", user));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String queryString(String sql, Object parameter) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private List<String> enumValues(String type) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT unnest(enum_range(NULL::" + type + "))::text")) {
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
        }
        return values;
    }

    private Map<String, String> columns(String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                        FROM pg_attribute a
                        WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                        """)) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        return columns;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
