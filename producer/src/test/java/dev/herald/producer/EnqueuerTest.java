package dev.herald.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.model.SystemTemplates;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EnqueuerTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final TestData data = new TestData(postgres.dataSource());
    private final Enqueuer enqueuer = new Enqueuer(postgres.dataSource());

    @Test
    void theMessageExistsIfAndOnlyIfTheCallerCommits() throws SQLException {
        UUID user = data.user().insert();
        UUID rolledBack;
        try (Connection transaction = postgres.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            rolledBack = enqueued(enqueuer.enqueue(transaction, templateDeleted(user, "a")));
            assertThat(status(rolledBack)).as("invisible before commit").isNull();
            transaction.rollback();
        }
        assertThat(status(rolledBack)).isNull();

        UUID committed;
        try (Connection transaction = postgres.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            committed = enqueued(enqueuer.enqueue(transaction, templateDeleted(user, "a")));
            transaction.commit();
        }
        assertThat(status(committed)).isEqualTo("pending");
    }

    @Test
    void duplicatesAndOptOutsAreValuesAndLeaveTheCallersTransactionUsable() throws SQLException {
        UUID user = data.user().insert();
        UUID optedOut = data.user().insert();
        data.setPreference(optedOut, SystemTemplates.TEMPLATE_DELETED, true);

        try (Connection transaction = postgres.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            EnqueueResult first = enqueuer.enqueue(transaction, templateDeleted(user, "t"));
            EnqueueResult repeat = enqueuer.enqueue(transaction, templateDeleted(user, "t"));
            EnqueueResult disabled = enqueuer.enqueue(transaction, templateDeleted(optedOut, "t"));
            assertThatThrownBy(() ->
                            enqueuer.enqueue(transaction, EnqueueRequest.of(UUID.randomUUID(), user, Map.of(), "test")))
                    .isInstanceOf(EnqueueRejectedException.class);
            UUID afterwards = enqueued(enqueuer.enqueue(transaction, templateDeleted(user, "other")));
            transaction.commit();

            assertThat(first).isInstanceOf(EnqueueResult.Enqueued.class);
            assertThat(repeat)
                    .isInstanceOfSatisfying(
                            EnqueueResult.Duplicate.class,
                            duplicate -> assertThat(duplicate.reason()).contains("already enqueued"));
            assertThat(disabled)
                    .isInstanceOfSatisfying(
                            EnqueueResult.DisabledByUser.class,
                            off -> assertThat(off.reason()).contains("has disabled \"Template Deleted\""));
            assertThat(status(afterwards)).isEqualTo("pending");
        }
    }

    @Test
    void badRequestsAreRejectedNamingTheFieldBeforeAnythingIsWritten() {
        UUID user = data.user().insert();

        assertThatThrownBy(() -> enqueuer.enqueue(EnqueueRequest.of(UUID.randomUUID(), user, Map.of(), "test")))
                .isInstanceOfSatisfying(EnqueueRejectedException.class, e -> {
                    assertThat(e.field()).isEqualTo("template_id");
                    assertThat(e.getMessage())
                            .contains("unknown notification template")
                            .contains("Fix:");
                });
        assertThatThrownBy(() -> enqueuer.enqueue(templateDeleted(UUID.randomUUID(), "t")))
                .isInstanceOfSatisfying(
                        EnqueueRejectedException.class,
                        e -> assertThat(e.field()).isEqualTo("user_id"));
        assertThatThrownBy(() -> enqueuer.enqueue(
                        EnqueueRequest.of(SystemTemplates.WORKSPACE_DELETED, user, Map.of("name", "w"), "test")))
                .isInstanceOfSatisfying(EnqueueRejectedException.class, e -> {
                    assertThat(e.field()).isEqualTo("labels");
                    assertThat(e.getMessage()).contains("template \"Workspace Deleted\" needs the labels: reason");
                });
        String huge = "x".repeat(Enqueuer.MAX_PAYLOAD_BYTES);
        assertThatThrownBy(() -> enqueuer.enqueue(new EnqueueRequest(
                        SystemTemplates.TEMPLATE_DELETED,
                        user,
                        Map.of("name", "t"),
                        Map.of("blob", huge),
                        "test",
                        null)))
                .isInstanceOfSatisfying(EnqueueRejectedException.class, e -> {
                    assertThat(e.field()).isEqualTo("data");
                    assertThat(e.getMessage()).contains("the limit is " + Enqueuer.MAX_PAYLOAD_BYTES);
                });
        assertThat(messagesFor(user)).isZero();
    }

    @Test
    void dataAndTargetsTravelInThePayload() throws SQLException {
        UUID user = data.user().insert();
        UUID target = UUID.randomUUID();

        UUID id = enqueued(enqueuer.enqueue(new EnqueueRequest(
                SystemTemplates.TEMPLATE_DELETED,
                user,
                Map.of("name", "t"),
                Map.of("template_id", "abc", "count", 3),
                "billing",
                List.of(target))));

        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT payload->'data'->>'count', payload->'targets'->>0, targets[1], created_by"
                                + " FROM notification_messages WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                assertThat(row.getString(1)).isEqualTo("3");
                assertThat(row.getString(2)).isEqualTo(target.toString());
                assertThat(row.getObject(3, UUID.class)).isEqualTo(target);
                assertThat(row.getString(4)).isEqualTo("billing");
            }
        }
    }

    private static EnqueueRequest templateDeleted(UUID user, String name) {
        return EnqueueRequest.of(SystemTemplates.TEMPLATE_DELETED, user, Map.of("name", name), "test");
    }

    private static UUID enqueued(EnqueueResult result) {
        assertThat(result).isInstanceOf(EnqueueResult.Enqueued.class);
        return ((EnqueueResult.Enqueued) result).messageId();
    }

    private String status(UUID id) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT status FROM notification_messages WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private long messagesFor(UUID user) {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM notification_messages WHERE user_id = ?")) {
            statement.setObject(1, user);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
