package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.herald.db.Migrations;
import dev.herald.model.SystemTemplates;
import dev.herald.store.MessageStore;
import dev.herald.testing.GreenMailFixtures;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real pipeline in one JVM, wired as herald server wires it: SQL enqueue → PostgreSQL → Debezium relay → Kafka →
 * both dispatchers → GreenMail and an HTTP receiver.
 */
class PipelineTest {

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.withSchema("herald", Migrations::apply);

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final GreenMailExtension mail = GreenMailFixtures.smtpAndSmtps();

    @RegisterExtension
    static final HttpReceiver webhook = new HttpReceiver();

    @TempDir
    Path dataDirectory;

    private final MessageStore store = new MessageStore(postgres.dataSource());
    private final TestData data = new TestData(postgres.dataSource());
    private FleetFixture fleet;

    @BeforeEach
    void start() {
        webhook.reset();
        fleet = new FleetFixture(postgres, kafka, dataDirectory, "pipeline");
        fleet.start(
                "producer,dispatcher-smtp,dispatcher-webhook",
                "--notifications-email-smarthost=localhost:" + mail.getSmtp().getPort(),
                "--notifications-webhook-endpoint=" + webhook.url("/hook"),
                "--access-url=https://herald.example.com");
    }

    @AfterEach
    void stop() throws Exception {
        store.setNotifierPaused(false);
        fleet.close();
    }

    @Test
    void pausedForTenSecondsNothingIsSentThenResumeDeliversEverything() throws Exception {
        store.setNotifierPaused(true);
        // The switch promises to take effect on every replica within 2 seconds.
        Thread.sleep(2_000);
        UUID user = data.user().insert();
        List<UUID> ids = new ArrayList<>();
        for (UUID template : List.of(SystemTemplates.TEST_NOTIFICATION, SystemTemplates.TEMPLATE_DELETED)) {
            ids.add(data.enqueueWithRequiredLabels(template, user, "{}"));
        }

        int mailBefore = mail.getReceivedMessages().length;
        Thread.sleep(10_000); // the window in which nothing may happen; there is no event to await
        assertThat(mail.getReceivedMessages()).hasSize(mailBefore);
        assertThat(ids)
                .allSatisfy(id -> assertThat(data.messageColumn(id, "status")).isEqualTo("pending"));

        store.setNotifierPaused(false);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream().allMatch(id -> "sent".equals(data.messageColumn(id, "status"))));
        assertThat(mail.getReceivedMessages()).hasSize(mailBefore + 2);
    }

    @Test
    void aTemplatesOwnMethodRoutesItToTheOtherDispatcher() throws Exception {
        postgres.execute("UPDATE notification_templates SET method = 'webhook' WHERE id = '"
                + SystemTemplates.TEMPLATE_DELETED + "'");
        try {
            UUID user = data.user().insert();
            UUID byEmail = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");
            UUID byWebhook = data.enqueueWithRequiredLabels(SystemTemplates.TEMPLATE_DELETED, user, "{}");

            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> "sent".equals(data.messageColumn(byEmail, "status"))
                            && "sent".equals(data.messageColumn(byWebhook, "status")));

            assertThat(webhook.requests())
                    .extracting(request -> request.header("X-Message-Id"))
                    .containsExactly(byWebhook.toString());
            assertThat(mail.getReceivedMessages())
                    .extracting(message -> message.getHeader("Message-ID")[0])
                    .containsExactly("<" + byEmail + "@example.com>");
        } finally {
            postgres.execute("UPDATE notification_templates SET method = NULL WHERE id = '"
                    + SystemTemplates.TEMPLATE_DELETED + "'");
        }
    }
}
