package dev.herald.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.store.SiteConfigStore;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Enqueue's inbox copies, on a real PostgreSQL, as Coder's enqueuer makes them: one message for the chosen method and
 * one for the inbox, each with its own row and retries; none for one-time passcodes; the inbox alone when nothing
 * else is configured.
 */
class InboxEnqueueTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final TestData data = new TestData(postgres.dataSource());
    private final SiteConfigStore siteConfig = new SiteConfigStore(postgres.dataSource());

    @AfterEach
    void backToTheDefaults() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, true, false);
        postgres.execute("UPDATE notification_templates SET method = NULL");
    }

    @Test
    void withTheInboxOnEveryNotificationAlsoGetsAnInboxMessageWithTheSamePayload() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.WEBHOOK, true, true);
        UUID user = data.user().insert();

        UUID id = data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.messageColumn(id, "method"))
                .as("the id answered is the chosen method's")
                .isEqualTo("webhook");
        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(2);
        assertThat(data.countMessages("user_id = ? AND method = 'inbox' AND status = 'pending'", user))
                .isEqualTo(1);
        assertThat(data.countMessages(
                        "user_id = ? AND method = 'inbox' AND payload = (SELECT payload FROM notification_messages"
                                + " WHERE id = ?)",
                        user,
                        id))
                .isEqualTo(1);
    }

    @Test
    void aOneTimePasscodeNeverGoesToTheInbox() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, true, true);
        UUID user = data.user().insert();

        data.enqueueWithRequiredLabels(SystemTemplates.ONE_TIME_PASSCODE, user, "{}");

        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(1);
        assertThat(data.countMessages("user_id = ? AND method = 'inbox'", user)).isZero();
    }

    @Test
    void withTheInboxOffOnlyTheChosenMethodIsEnqueued() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, true, false);
        UUID user = data.user().insert();

        data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(1);
        assertThat(data.countMessages("user_id = ? AND method = 'smtp'", user)).isEqualTo(1);
    }

    @Test
    void aDatabaseNoServerHasRecordedItsSettingsInHasNoInbox() {
        postgres.execute("DELETE FROM site_configs WHERE key LIKE 'notifications_%_enabled'"
                + " OR key = 'notifications_delivery_configured'");
        UUID user = data.user().insert();

        data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void withNeitherEmailNorWebhookConfiguredNotificationsGoToTheInboxOnly() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, false, true);
        UUID user = data.user().insert();

        UUID id = data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.messageColumn(id, "method")).isEqualTo("inbox");
        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void aTemplatesOwnMethodStillAppliesWhenTheDefaultCannotDeliver() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, false, true);
        postgres.execute("UPDATE notification_templates SET method = 'webhook' WHERE id = '"
                + SystemTemplates.TEMPLATE_DELETED + "'");
        UUID user = data.user().insert();

        UUID id = data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.messageColumn(id, "method")).isEqualTo("webhook");
        assertThat(data.countMessages("user_id = ? AND method = 'inbox'", user)).isEqualTo(1);
    }

    @Test
    void aTemplateRoutedToTheInboxIsEnqueuedOnce() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, true, true);
        postgres.execute("UPDATE notification_templates SET method = 'inbox' WHERE id = '"
                + SystemTemplates.TEMPLATE_DELETED + "'");
        UUID user = data.user().insert();

        data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ann\"}");

        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(1);
        assertThat(data.countMessages("user_id = ? AND method = 'inbox'", user)).isEqualTo(1);
    }

    @Test
    void optOutAndDedupeApplyToTheInboxCopyToo() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, true, true);
        UUID optedOut = data.user().insert();
        data.setPreference(optedOut, SystemTemplates.TEMPLATE_DELETED, true);
        UUID user = data.user().insert();
        String labels = "{\"name\": \"t\", \"initiator\": \"ann\"}";

        assertThatThrownBy(() -> data.enqueue(SystemTemplates.TEMPLATE_DELETED, optedOut, labels))
                .hasMessageContaining("cannot enqueue message");
        data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, labels);
        assertThatThrownBy(() -> data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, labels))
                .hasMessageContaining("duplicate notification");

        assertThat(data.countMessages("user_id = ?", optedOut)).isZero();
        assertThat(data.countMessages("user_id = ?", user)).isEqualTo(2);
    }

    @Test
    void withNothingToDeliverThroughEnqueueSaysWhatToConfigure() throws SQLException {
        siteConfig.setDelivery(NotificationMethod.SMTP, false, false);
        UUID user = data.user().insert();

        assertThatThrownBy(() ->
                        data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"a\"}"))
                .hasMessageContaining("neither email nor a webhook is configured, and the inbox is off");
        assertThat(data.countMessages("user_id = ?", user)).isZero();
    }
}
