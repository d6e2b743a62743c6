package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deployment settings rows, on a real PostgreSQL. */
class SiteConfigStoreTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final SiteConfigStore settings = new SiteConfigStore(postgres.dataSource());

    @Test
    void thePauseSwitchSaysWhetherItChanged() throws SQLException {
        assertThat(settings.notifierPaused()).isFalse();
        assertThat(settings.setNotifierPaused(true)).isTrue();
        assertThat(settings.setNotifierPaused(true)).as("unchanged").isFalse();
        assertThat(settings.notifierPaused()).isTrue();
        assertThat(settings.setNotifierPaused(false)).isTrue();
        assertThat(settings.notifierPaused()).isFalse();
    }

    @Test
    void theDefaultMethodIsWhatTheEnqueueFunctionSnapshots() throws SQLException {
        TestData data = new TestData(postgres.dataSource());
        UUID user = data.user().insert();

        settings.setDelivery(NotificationMethod.WEBHOOK, true, false);
        UUID byWebhook = data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"a\"}");
        settings.setDelivery(NotificationMethod.SMTP, true, false);
        UUID byEmail = data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"b\"}");

        assertThat(data.messageColumn(byWebhook, "method")).isEqualTo("webhook");
        assertThat(data.messageColumn(byEmail, "method")).isEqualTo("smtp");
    }
}
