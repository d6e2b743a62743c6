package dev.herald.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.herald.config.KafkaConfig;
import dev.herald.config.Secret;
import dev.herald.config.WebhookConfig;
import dev.herald.db.Migrations;
import dev.herald.dispatch.DispatchLoop;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.PauseSwitch;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.MessageStore;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/** The webhook method through the shared loop: real PostgreSQL, real broker, real HTTP receiver. */
class WebhookDispatcherTest {

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.withSchema("herald", Migrations::apply);

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final HttpReceiver receiver = new HttpReceiver();

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Duration RETRY_INTERVAL = Duration.ofMinutes(5);

    private final MessageStore store = new MessageStore(postgres.dataSource());
    private final TokenCodec codec = new TokenCodec();
    private final ObjectMapper json = new ObjectMapper();
    private TopicNames topics;
    private PauseSwitch pause;
    private DispatchLoop loop;

    @BeforeEach
    void start() {
        receiver.reset();
        topics = new TopicNames(kafka.uniquePrefix("webhook"));
        kafka.createTopic(topics.forMethod(NotificationMethod.WEBHOOK), 2);
        kafka.createTopic(topics.retry(), 2);
        loop = startLoop(receiver.url("/hook"), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        loop.close();
        pause.close();
    }

    @Test
    void workspaceDeletedMatchesTheDocumentedExampleFieldForField() throws Exception {
        UUID danny = new TestData(postgres.dataSource())
                .user()
                .username("danny")
                .name("danny")
                .email("danny@coder.com")
                .insert();
        UUID id = new TestData(postgres.dataSource())
                .enqueue(
                        SystemTemplates.WORKSPACE_DELETED,
                        danny,
                        "{\"initiator\": \"danny\", \"name\": \"my-workspace\", \"reason\": \"initiated by user\"}");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(status(id)));

        HttpReceiver.Request request = receiver.requests().getFirst();
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("X-Message-Id")).isEqualTo(id.toString());
        JsonNode body = json.readTree(request.body());
        JsonNode golden = json.readTree(golden("workspace-deleted.json")
                .replace("${msg_id}", id.toString())
                .replace("${user_id}", danny.toString()));
        assertThat(body).isEqualTo(golden);
    }

    @Test
    void everyRequestIsSignedInTheStandardWebhooksFormat() throws Exception {
        UUID id = enqueueTemplateDeleted("signed");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(status(id)));

        HttpReceiver.Request request = receiver.requests().getFirst();
        assertThat(request.header("webhook-id")).isEqualTo(id.toString());
        Map<String, List<String>> headers = Map.of(
                "webhook-id", List.of(request.header("webhook-id")),
                "webhook-timestamp", List.of(request.header("webhook-timestamp")),
                "webhook-signature", List.of(request.header("webhook-signature")));
        new Webhook(SECRET).verify(request.body(), headers); // throws when the signature does not verify
        assertThat(request.header("webhook-signature")).startsWith("v1,");
    }

    @Test
    void a500IsRetriedAndThenSent() throws Exception {
        receiver.respond(HttpReceiver.Response.status(500).withBody("database on fire"));
        UUID id = enqueueTemplateDeleted("flaky");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).isEqualTo("webhook endpoint answered 500: database on fire");
        WorkToken retry = retryTokens().getFirst();
        assertThat(retry.messageId()).isEqualTo(id);
        assertThat(retry.notBefore()).isAfter(Instant.now().plus(RETRY_INTERVAL).minusSeconds(30));

        // Standing in for the retry scheduler: the row becomes due and its token is republished.
        postgres.execute("UPDATE notification_messages SET next_retry_after = now() - interval '1 second' WHERE id = '"
                + id + "'");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(status(id)));
        assertThat(column(id, "attempt_count"))
                .as("500, then 200: two attempts")
                .isEqualTo("2");
        assertThat(receiver.requests()).hasSize(2);
    }

    @Test
    void a410IsPermanent() throws Exception {
        receiver.respond(HttpReceiver.Response.status(410));
        UUID id = enqueueTemplateDeleted("gone");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "permanent_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).isEqualTo("webhook endpoint answered 410");
    }

    @Test
    void a429RetryAfterPushesTheNextAttemptOut() throws Exception {
        receiver.respond(HttpReceiver.Response.status(429).withHeader("Retry-After", "3600"));
        UUID id = enqueueTemplateDeleted("throttled");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        Instant next = Instant.parse(
                column(id, "to_char(next_retry_after at time zone 'UTC'," + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"));
        assertThat(next).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    }

    @Test
    void anEndpointThatDoesNotAnswerInTimeIsRetryable() throws Exception {
        receiver.respond(HttpReceiver.Response.status(200).after(Duration.ofSeconds(4)));
        UUID id = enqueueTemplateDeleted("slow");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).containsAnyOf("Timeout", "timeout", "did not answer");
    }

    @Test
    void anInvalidEndpointIsPermanent() throws Exception {
        loop.close();
        pause.close();
        loop = startLoop(URI.create("http:///no-host"), Duration.ofSeconds(2));
        UUID id = enqueueTemplateDeleted("nowhere");
        publish(id);

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "permanent_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).contains("is not a valid URL");
    }

    private DispatchLoop startLoop(URI endpoint, Duration timeout) {
        KafkaConfig kafkaConfig = new KafkaConfig(
                Optional.of(kafka.bootstrapServers()), topics.prefix(), 2, 1, Duration.ofMinutes(5), Map.of());
        WebhookConfig config = new WebhookConfig(
                Optional.of(endpoint), List.of(Secret.of(SECRET)), Optional.empty(), Duration.ofSeconds(2));
        pause = new PauseSwitch(postgres.dataSource(), store, Duration.ofMillis(500));
        DispatchLoop started = new DispatchLoop(
                new DispatchSettings(
                        NotificationMethod.WEBHOOK,
                        "test-" + topics.prefix(),
                        timeout,
                        Duration.ofMinutes(2),
                        5,
                        20,
                        Duration.ofMillis(100),
                        50,
                        8,
                        Duration.ofMinutes(5)),
                new DispatchLoop.Wiring(
                        kafka.bootstrapServers(),
                        kafkaConfig,
                        store,
                        new WebhookSender(endpoint, config, timeout, 8, Clock.systemUTC()),
                        new TemplateRenderer(URI.create("https://et23ntkhpueak.pit-1.try.coder.app")),
                        pause,
                        RetryPolicy.fixed(RETRY_INTERVAL, Duration.ofHours(1)),
                        new MetricRegistry(),
                        Clock.systemUTC()));
        started.start();
        return started;
    }

    private UUID enqueueTemplateDeleted(String name) throws Exception {
        UUID user = new TestData(postgres.dataSource()).user().insert();
        return new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"" + name + "\"}");
    }

    private void publish(UUID id) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
            WorkToken token = new WorkToken(id, NotificationMethod.WEBHOOK, null, null, Instant.now(), 0);
            producer.send(new ProducerRecord<>(
                            topics.forMethod(NotificationMethod.WEBHOOK), id.toString(), codec.encode(token)))
                    .get();
        }
    }

    private List<WorkToken> retryTokens() {
        List<ConsumerRecord<String, String>> records =
                kafka.readRecords(List.of(topics.retry()), 1, Duration.ofSeconds(20));
        return records.stream()
                .map(record -> codec.decode(record.value().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    private String status(UUID id) throws Exception {
        return column(id, "status");
    }

    private String column(UUID id, String expression) {
        return new TestData(postgres.dataSource()).messageColumn(id, expression);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = WebhookDispatcherTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
