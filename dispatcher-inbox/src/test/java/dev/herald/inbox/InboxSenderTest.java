package dev.herald.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.DispatchLoop;
import dev.herald.model.MessagePayload;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.render.RenderedMessage;
import dev.herald.store.LeasedMessage;
import dev.herald.store.SiteConfigStore;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.DispatchLoopFixture;
import dev.herald.testsupport.HeraldDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The inbox sender through the shared loop: real PostgreSQL, real broker, the row and its announcement. */
class InboxSenderTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private static final URI ACCESS_URL = URI.create("https://herald.example.com");

    private final TestData data = new TestData(postgres.dataSource());
    private final Clock clock = Clock.systemUTC();
    private DispatchLoopFixture fixture;

    @BeforeEach
    void start() throws SQLException {
        new SiteConfigStore(postgres.dataSource()).setDelivery(NotificationMethod.SMTP, true, true);
        fixture = new DispatchLoopFixture(postgres, kafka, NotificationMethod.INBOX, "inbox", ACCESS_URL);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void anEnqueuedNotificationLandsInTheInboxAsRenderedMarkdownAndIsAnnounced() throws Exception {
        UUID user = data.user().name("Ann Example").insert();
        UUID target = UUID.randomUUID();
        UUID smtp = enqueueTemplateDeleted(user, target);
        UUID inbox = inboxCopyOf(smtp);
        DispatchLoop loop =
                fixture.loop(new InboxSender(postgres.dataSource(), clock), Duration.ofSeconds(10), 5, clock);
        loop.start();

        try (Connection listener = postgres.dataSource().getConnection();
                Statement listen = listener.createStatement()) {
            listen.execute("LISTEN " + InboxSender.CHANNEL);
            fixture.publish(List.of(inbox));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> "sent".equals(data.messageColumn(inbox, "status")));

            assertThat(announcements(listener, Duration.ofSeconds(5))).containsExactly(user + " " + inbox);
        }
        Map<String, String> row = inboxRow(inbox);
        assertThat(row)
                .containsEntry("user_id", user.toString())
                .containsEntry("template_id", SystemTemplates.TEMPLATE_DELETED.toString())
                .containsEntry("targets", "{" + target + "}")
                .containsEntry("title", "Template \"old-template\" deleted")
                .containsEntry("content", "Hi Ann Example\n\nThe template **old-template** was deleted by **ops**.")
                .containsEntry(
                        "actions",
                        "[{\"url\": \"https://herald.example.com/templates\", \"label\": \"View" + " templates\"}]")
                .containsEntry("icon", "")
                .containsEntry("read_at", null);
        assertThat(data.messageColumn(smtp, "status"))
                .as("the email is another message, for the email dispatcher")
                .isEqualTo("pending");
    }

    @Test
    void deliveringTheSameMessageAgainWritesAndAnnouncesItOnce() throws Exception {
        UUID user = data.user().insert();
        InboxSender sender = new InboxSender(postgres.dataSource(), clock);
        Delivery delivery = delivery(UUID.randomUUID(), user);

        try (Connection listener = postgres.dataSource().getConnection();
                Statement listen = listener.createStatement()) {
            listen.execute("LISTEN " + InboxSender.CHANNEL);
            assertThat(sender.send(delivery)).isEqualTo(new DeliveryResult.Delivered());
            assertThat(sender.send(delivery)).isEqualTo(new DeliveryResult.Delivered());

            assertThat(announcements(listener, Duration.ofSeconds(2))).hasSize(1);
        }
        assertThat(count(
                        "SELECT count(*) FROM inbox_notifications WHERE id = ?",
                        delivery.message().id()))
                .isEqualTo(1);
    }

    @Test
    void aRecipientWhoNoLongerExistsIsAPermanentFailure() {
        InboxSender sender = new InboxSender(postgres.dataSource(), clock);

        DeliveryResult result = sender.send(delivery(UUID.randomUUID(), UUID.randomUUID()));

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent -> assertThat(permanent.reason())
                                .startsWith("the recipient or the template no longer exists"));
    }

    private static Delivery delivery(UUID id, UUID user) {
        MessagePayload payload = new MessagePayload(
                "1.2",
                "Template Deleted",
                SystemTemplates.TEMPLATE_DELETED,
                user,
                "a@example.com",
                "A",
                "a",
                List.of(),
                Map.of("name", "t"),
                Map.of(),
                null);
        LeasedMessage message = new LeasedMessage(
                id,
                SystemTemplates.TEMPLATE_DELETED,
                "Template Deleted",
                "",
                "",
                NotificationMethod.INBOX,
                payload,
                0,
                Instant.now(),
                Instant.now().plusSeconds(60),
                0);
        RenderedMessage rendered = new RenderedMessage(
                "Template t deleted", "It was **deleted**.", List.of(new MessagePayload.Action("Open", "https://x")));
        return new Delivery(message, rendered, "", "", "", "");
    }

    private UUID enqueueTemplateDeleted(UUID user, UUID target) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement enqueue = connection.prepareStatement("SELECT enqueue_notification_message(?, ?,"
                        + " '{\"name\": \"old-template\", \"initiator\": \"ops\"}', '{}', 'test', ARRAY[?]::uuid[])")) {
            enqueue.setObject(1, SystemTemplates.TEMPLATE_DELETED);
            enqueue.setObject(2, user);
            enqueue.setObject(3, target);
            try (ResultSet row = enqueue.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private UUID inboxCopyOf(UUID message) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT c.id FROM notification_messages c JOIN notification_messages m ON m.id = ?
                        WHERE c.method = 'inbox' AND c.user_id = m.user_id AND c.payload = m.payload
                        """)) {
            select.setObject(1, message);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("an inbox copy of " + message).isTrue();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private Map<String, String> inboxRow(UUID id) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT user_id::text, template_id::text, targets::text, title, content, actions::text, icon,
                               read_at::text
                        FROM inbox_notifications WHERE id = ?
                        """)) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("an inbox row " + id).isTrue();
                Map<String, String> columns = new java.util.HashMap<>();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    columns.put(row.getMetaData().getColumnLabel(i), row.getString(i));
                }
                return columns;
            }
        }
    }

    private long count(String sql, Object parameter) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setObject(1, parameter);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static List<String> announcements(Connection listener, Duration wait) throws SQLException {
        List<String> heard = new ArrayList<>();
        Instant until = Instant.now().plus(wait);
        PGConnection notifications = listener.unwrap(PGConnection.class);
        while (Instant.now().isBefore(until)) {
            PGNotification[] arrived = notifications.getNotifications(200);
            if (arrived != null) {
                for (PGNotification notification : arrived) {
                    heard.add(notification.getParameter());
                }
            }
        }
        return heard;
    }
}
