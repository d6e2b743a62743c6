package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.store.SiteConfigStore;
import dev.herald.testing.GreenMailFixtures;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.token.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline in one JVM, wired as herald server wires it: SQL enqueue → PostgreSQL → Debezium relay → Kafka →
 * both dispatchers → GreenMail and an HTTP receiver.
 */
class PipelineTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("pipeline");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final KafkaExtension kafka = fleet.kafka();

    @RegisterExtension
    static final GreenMailExtension mail = GreenMailFixtures.smtpAndSmtps();

    private static final HttpReceiver webhook = fleet.receiver();

    private final SiteConfigStore siteConfig = new SiteConfigStore(postgres.dataSource());
    private final TestData data = new TestData(postgres.dataSource());
    private HeraldServer server;

    @BeforeEach
    void start() {
        server = fleet.start(
                "producer,dispatcher-smtp,dispatcher-webhook",
                "--notifications-email-smarthost=localhost:" + mail.getSmtp().getPort(),
                "--notifications-webhook-endpoint=" + webhook.url("/hook"),
                "--access-url=https://herald.example.com");
    }

    @AfterEach
    void stop() throws Exception {
        siteConfig.setNotifierPaused(false);
    }

    @Test
    void pausedNothingIsSentThenResumeDeliversEverything() throws Exception {
        siteConfig.setNotifierPaused(true);
        Awaitility.await("the switch takes effect within 2 seconds")
                .atMost(Duration.ofSeconds(2))
                .until(server::dispatchPaused);
        UUID user = data.user().insert();
        List<UUID> ids = new ArrayList<>();
        for (UUID template : List.of(SystemTemplates.TEST_NOTIFICATION, SystemTemplates.TEMPLATE_DELETED)) {
            ids.add(data.enqueueWithRequiredLabels(template, user, "{}"));
        }
        TopicNames topics = new TopicNames(fleet.topicPrefix());
        assertThat(kafka.readRecords(
                        List.of(
                                topics.forMethod(NotificationMethod.SMTP),
                                topics.forMethod(NotificationMethod.WEBHOOK)),
                        2,
                        Duration.ofSeconds(30)))
                .as("the relay handed both tokens to the paused dispatchers")
                .hasSize(2);

        int mailBefore = mail.getReceivedMessages().length;
        Awaitility.await("nothing is sent while paused")
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(7))
                .until(() -> mail.getReceivedMessages().length == mailBefore
                        && webhook.requests().isEmpty()
                        && ids.stream().allMatch(id -> "pending".equals(data.messageColumn(id, "status"))));

        siteConfig.setNotifierPaused(false);
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
