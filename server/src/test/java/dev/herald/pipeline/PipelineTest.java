package dev.herald.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.herald.config.EmailConfig;
import dev.herald.config.HostPort;
import dev.herald.config.KafkaConfig;
import dev.herald.config.RelayConfig;
import dev.herald.config.Secret;
import dev.herald.config.WebhookConfig;
import dev.herald.db.DatabaseUrl;
import dev.herald.db.Migrations;
import dev.herald.dispatch.DispatchLoop;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.PauseSwitch;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.relay.CdcRelay;
import dev.herald.render.TemplateRenderer;
import dev.herald.smtp.SmtpSender;
import dev.herald.store.MessageStore;
import dev.herald.testing.GreenMailFixtures;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.webhook.WebhookSender;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real pipeline in one JVM: SQL enqueue → PostgreSQL → Debezium relay → Kafka → both dispatchers → GreenMail and
 * an HTTP receiver.
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

    private final MessageStore store = new MessageStore(postgres.dataSource());
    private final TestData data = new TestData(postgres.dataSource());
    private final List<AutoCloseable> running = new ArrayList<>();
    private PauseSwitch pause;

    @BeforeEach
    void start() throws Exception {
        String prefix = kafka.uniquePrefix("pipeline");
        KafkaConfig kafkaConfig =
                new KafkaConfig(Optional.of(kafka.bootstrapServers()), prefix, 2, 1, Duration.ofMinutes(5), Map.of());
        CdcRelay relay = new CdcRelay(
                new CdcRelay.Settings(
                        new DatabaseUrl(
                                postgres.host(),
                                postgres.port(),
                                postgres.databaseName(),
                                postgres.user(),
                                Secret.of(postgres.password()),
                                Map.of()),
                        kafka.bootstrapServers(),
                        kafkaConfig,
                        new RelayConfig(
                                "pipeline_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100000,
                                Duration.ofSeconds(1)),
                        Duration.ofMillis(200)),
                new MetricRegistry(),
                Clock.systemUTC());
        relay.start();
        running.add(relay);
        Awaitility.await("the relay streams").atMost(Duration.ofSeconds(60)).until(relay::isStreaming);
        pause = new PauseSwitch(postgres.dataSource(), store, Duration.ofMillis(500));
        running.add(pause);
        EmailConfig email = new EmailConfig(
                Optional.of("Herald <herald@example.com>"),
                new HostPort("localhost", mail.getSmtp().getPort()),
                "localhost",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                false,
                false,
                false,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                100,
                Duration.ofSeconds(30));
        WebhookConfig hook = new WebhookConfig(
                Optional.of(webhook.url("/hook")), List.of(), Optional.empty(), Duration.ofSeconds(2));
        startDispatcher(
                NotificationMethod.SMTP, kafkaConfig, new SmtpSender(email, Duration.ofSeconds(5), Clock.systemUTC()));
        startDispatcher(
                NotificationMethod.WEBHOOK,
                kafkaConfig,
                new WebhookSender(webhook.url("/hook"), hook, Duration.ofSeconds(5), 8, Clock.systemUTC()));
    }

    @AfterEach
    void stop() throws Exception {
        store.setNotifierPaused(false);
        for (AutoCloseable closeable : running.reversed()) {
            closeable.close();
        }
    }

    @Test
    void pausedForTenSecondsNothingIsSentThenResumeDeliversEverything() throws Exception {
        store.setNotifierPaused(true);
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(pause::paused);
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

    private void startDispatcher(NotificationMethod method, KafkaConfig kafkaConfig, Sender sender) {
        DispatchLoop loop = new DispatchLoop(
                new DispatchSettings(
                        method,
                        "pipeline-" + kafkaConfig.topicPrefix() + "-" + method.sqlName(),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(2),
                        5,
                        20,
                        Duration.ofMillis(200),
                        50,
                        8,
                        Duration.ofMinutes(5)),
                new DispatchLoop.Wiring(
                        kafka.bootstrapServers(),
                        kafkaConfig,
                        store,
                        sender,
                        new TemplateRenderer(URI.create("https://herald.example.com")),
                        pause,
                        RetryPolicy.fixed(Duration.ofMinutes(5), Duration.ofHours(1)),
                        new MetricRegistry(),
                        Clock.systemUTC()));
        loop.start();
        running.add(loop);
    }
}
