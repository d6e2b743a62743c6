package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.db.Migrations;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.MessageStore;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared loop with a scripted sender, on a real PostgreSQL and a real broker. */
class DispatchLoopTest {

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.withSchema("herald", Migrations::apply);

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private static final Duration RETRY_INTERVAL = Duration.ofMinutes(5);

    private final MessageStore store = new MessageStore(postgres.dataSource());
    private final TokenCodec codec = new TokenCodec();
    private TopicNames topics;
    private UUID user;
    private ScriptedSender sender;
    private PauseSwitch pause;
    private DispatchLoop loop;
    private MetricRegistry registry;

    @BeforeEach
    void start() {
        topics = new TopicNames(kafka.uniquePrefix("dispatch"));
        kafka.createTopic(topics.forMethod(NotificationMethod.SMTP), 2);
        kafka.createTopic(topics.retry(), 2);
        user = new TestData(postgres.dataSource()).user().name("Ada").insert();
        sender = new ScriptedSender(NotificationMethod.SMTP);
        pause = new PauseSwitch(postgres.dataSource(), store, Duration.ofMillis(500));
        registry = new MetricRegistry();
        loop = new DispatchLoop(
                new DispatchSettings(
                        NotificationMethod.SMTP,
                        "test-" + topics.prefix(),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(2),
                        3,
                        20,
                        Duration.ofMillis(200),
                        50,
                        8,
                        Duration.ofMinutes(5)),
                new DispatchLoop.Wiring(
                        kafka.bootstrapServers(),
                        new KafkaConfig(
                                Optional.of(kafka.bootstrapServers()),
                                topics.prefix(),
                                2,
                                1,
                                Duration.ofMinutes(5),
                                Map.of()),
                        store,
                        sender,
                        new TemplateRenderer(URI.create("https://herald.example.com")),
                        pause,
                        RetryPolicy.fixed(RETRY_INTERVAL, Duration.ofHours(1)),
                        registry,
                        Clock.systemUTC()));
        loop.start();
    }

    @AfterEach
    void stop() throws Exception {
        loop.close();
        pause.close();
        store.setNotifierPaused(false);
    }

    @Test
    void tokensBecomeRenderedDeliveriesAndSentRows() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(insert("ws-" + i));
        }
        publish(ids);
        publish(ids.subList(0, 5)); // duplicated tokens must not cause second sends

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count("sent") == 30);

        Delivery first = sender.deliveries().stream()
                .filter(d -> d.message().id().equals(ids.getFirst()))
                .findFirst()
                .orElseThrow();
        assertThat(first.rendered().title()).isEqualTo("Template \"ws-0\" deleted");
        assertThat(first.bodyText()).startsWith("Hi Ada");
        assertThat(first.bodyHtml()).contains("<strong>ws-0</strong>");
        assertThat(first.preferencesUrl())
                .isEqualTo("https://herald.example.com/settings/notifications?disabled="
                        + SystemTemplates.TEMPLATE_DELETED);
        ids.forEach(id -> assertThat(sender.deliveriesOf(id)).isEqualTo(1));
        assertThat(registry.counter("herald_notifications_dispatch_attempts_total.smtp."
                                + SystemTemplates.TEMPLATE_DELETED + ".success")
                        .getCount())
                .isEqualTo(30);
    }

    @Test
    void aTemporaryFailureIsRecordedAndARetryTokenScheduled() throws Exception {
        sender.then(new DeliveryResult.Retryable("421 4.3.2 try later"));
        UUID id = insert("flaky");
        Instant before = Instant.now();
        publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count("temporary_failure") == 1);

        assertThat(column(id, "attempt_count")).isEqualTo("1");
        assertThat(column(id, "status_reason")).isEqualTo("421 4.3.2 try later");
        Instant next = Instant.parse(
                column(id, "to_char(next_retry_after at time zone 'UTC'," + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        assertThat(next).isBetween(before.plus(RETRY_INTERVAL), Instant.now().plus(RETRY_INTERVAL));
        List<ConsumerRecord<String, String>> retries =
                kafka.readRecords(List.of(topics.retry()), 1, Duration.ofSeconds(20));
        assertThat(retries).singleElement().satisfies(record -> {
            WorkToken token = codec.decode(record.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(token.messageId()).isEqualTo(id);
            assertThat(token.attemptCount()).isEqualTo(1);
            assertThat(token.notBefore()).isAfter(before.plus(RETRY_INTERVAL).minusSeconds(1));
        });
    }

    @Test
    void theLastAllowedAttemptFailingIsPermanentWithTheLastError() throws Exception {
        sender.then(new DeliveryResult.Retryable("503 down"));
        UUID id = insert("exhausted");
        postgres.execute("UPDATE notification_messages SET attempt_count = 2 WHERE id = '" + id + "'");
        publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "permanent_failure".equals(column(id, "status")));

        assertThat(column(id, "attempt_count")).isEqualTo("3");
        assertThat(column(id, "status_reason")).isEqualTo("gave up after 3 attempts; last error: 503 down");
    }

    @Test
    void aPermanentFailureAndARenderFailureAreFinal() throws Exception {
        sender.then(new DeliveryResult.Permanent("550 5.1.1 no such user"));
        UUID rejected = insert("rejected");
        UUID broken = insert("broken");
        postgres.execute("UPDATE notification_messages SET payload = jsonb_set(payload, '{labels}', '{}')"
                + " WHERE id = '" + broken + "'");
        publish(List.of(rejected));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "permanent_failure".equals(column(rejected, "status")));
        publish(List.of(broken));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "permanent_failure".equals(column(broken, "status")));

        assertThat(column(rejected, "status_reason")).isEqualTo("550 5.1.1 no such user");
        assertThat(column(broken, "status_reason")).contains("template \"Template Deleted\" could not render");
    }

    @Test
    void whilePausedNothingIsSentAndAfterResumeEverythingIs() throws Exception {
        store.setNotifierPaused(true);
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(pause::paused);
        List<UUID> ids = List.of(insert("p1"), insert("p2"), insert("p3"));
        publish(ids);

        Thread.sleep(3_000); // nothing may happen during this window; there is no event to await
        assertThat(sender.deliveries()).isEmpty();
        assertThat(count("pending")).isEqualTo(3);

        store.setNotifierPaused(false);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count("sent") == 3);
    }

    @Test
    void aRecipientWhoOptedOutAfterEnqueueIsInhibited() throws Exception {
        UUID id = insert("quiet");
        new TestData(postgres.dataSource()).setPreference(user, SystemTemplates.TEMPLATE_DELETED, true);
        publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "inhibited".equals(column(id, "status")));

        assertThat(column(id, "status_reason")).isEqualTo("disabled by user");
        assertThat(sender.deliveriesOf(id)).isZero();
    }

    private UUID insert(String name) {
        return new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"" + name + "\"}");
    }

    private void publish(List<UUID> ids) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (UUID id : ids) {
                WorkToken token = new WorkToken(
                        id, NotificationMethod.SMTP, SystemTemplates.TEMPLATE_DELETED, user, Instant.now(), 0);
                producer.send(new ProducerRecord<>(
                                topics.forMethod(NotificationMethod.SMTP), id.toString(), codec.encode(token)))
                        .get();
            }
        }
    }

    private long count(String status) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM notification_messages WHERE user_id = ? AND status::text = ?")) {
            statement.setObject(1, user);
            statement.setString(2, status);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private String column(UUID id, String expression) {
        return new TestData(postgres.dataSource()).messageColumn(id, expression);
    }
}
