package dev.herald.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import dev.herald.config.Secret;
import dev.herald.config.WebhookConfig;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.DispatchLoopFixture;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.WorkToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook sender through the shared loop: real PostgreSQL, real broker, real HTTP receiver. */
class WebhookSenderTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @RegisterExtension
    static final HttpReceiver receiver = new HttpReceiver();

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final URI ACCESS_URL = URI.create("https://et23ntkhpueak.pit-1.try.coder.app");

    private final ObjectMapper json = new ObjectMapper();
    private final TestData data = new TestData(postgres.dataSource());
    private DispatchLoopFixture fixture;

    @BeforeEach
    void start() {
        receiver.reset();
        fixture = new DispatchLoopFixture(postgres, kafka, NotificationMethod.WEBHOOK, "webhook", ACCESS_URL);
        startLoop(receiver.url("/hook"));
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
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
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(status(id)));

        HttpReceiver.Request request = receiver.requests().getFirst();
        assertThat(request.header("Content-Type")).startsWith("application/json");
        assertThat(request.header("X-Message-Id")).isEqualTo(id.toString());
        assertThat(request.header("User-Agent")).isEqualTo("Herald");
        assertThat(request.header("Accept-Encoding"))
                .as("a compressed answer would garble the error text Herald keeps")
                .isNull();
        JsonNode body = json.readTree(request.body());
        JsonNode golden = json.readTree(golden("workspace-deleted.json")
                .replace("${msg_id}", id.toString())
                .replace("${user_id}", danny.toString()));
        assertThat(body).isEqualTo(golden);
    }

    @Test
    void everyRequestIsSignedInTheStandardWebhooksFormat() throws Exception {
        UUID id = enqueueTemplateDeleted("signed");
        fixture.publish(List.of(id));

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
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).isEqualTo("webhook endpoint answered 500: database on fire");
        WorkToken retry = fixture.retryTokens(1).getFirst();
        assertThat(retry.messageId()).isEqualTo(id);
        assertThat(retry.notBefore())
                .isAfter(Instant.now().plus(DispatchLoopFixture.RETRY_INTERVAL).minusSeconds(30));

        // Standing in for the retry scheduler: the row becomes due and its token is republished.
        postgres.execute("UPDATE notification_messages SET next_retry_after = now() - interval '1 second' WHERE id = '"
                + id + "'");
        fixture.publish(List.of(id));

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
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "permanent_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).isEqualTo("webhook endpoint answered 410");
    }

    @Test
    void a429RetryAfterPushesTheNextAttemptOut() throws Exception {
        receiver.respond(HttpReceiver.Response.status(429).withHeader("Retry-After", "3600"));
        UUID id = enqueueTemplateDeleted("throttled");
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        Instant next = Instant.parse(
                column(id, "to_char(next_retry_after at time zone 'UTC'," + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"));
        assertThat(next).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
    }

    @Test
    void anEndpointThatDoesNotAnswerInTimeIsRetryable() throws Exception {
        receiver.respond(HttpReceiver.Response.status(200).after(Duration.ofSeconds(4)));
        UUID id = enqueueTemplateDeleted("slow");
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).containsAnyOf("Timeout", "timeout", "did not answer");
    }

    @Test
    void aReceiverAnsweringAGigabyteIsReadOnlyUpToTheLimit() throws Exception {
        fixture.close();
        fixture = new DispatchLoopFixture(postgres, kafka, NotificationMethod.WEBHOOK, "webhook", ACCESS_URL);
        long gigabyte = 1L << 30;
        AtomicLong written = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    byte[] request = new byte[8192];
                    in.read(request);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: "
                                    + gigabyte + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = "x".repeat(65_536).getBytes(StandardCharsets.US_ASCII);
                    while (written.get() < gigabyte) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // The dispatcher hung up: what this test expects.
                }
            });
            startLoop(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook"));
            UUID id = enqueueTemplateDeleted("huge");
            fixture.publish(List.of(id));

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "temporary_failure".equals(status(id)));

            assertThat(column(id, "status_reason")).startsWith("webhook endpoint answered 500: xxxx");
            assertThat(written.get())
                    .as(
                            "the dispatcher stopped reading after %d bytes; socket buffers hold a few MB more",
                            WebhookSender.MAX_RESPONSE_BYTES)
                    .isLessThan(64L << 20);
        }
    }

    @Test
    void anInvalidEndpointIsPermanent() throws Exception {
        fixture.close();
        fixture = new DispatchLoopFixture(postgres, kafka, NotificationMethod.WEBHOOK, "webhook", ACCESS_URL);
        startLoop(URI.create("http:///no-host"));
        UUID id = enqueueTemplateDeleted("nowhere");
        fixture.publish(List.of(id));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "permanent_failure".equals(status(id)));
        assertThat(column(id, "status_reason")).contains("is not a valid URL");
    }

    private void startLoop(URI endpoint) {
        Duration timeout = Duration.ofSeconds(2);
        WebhookConfig config =
                new WebhookConfig(Optional.of(endpoint), List.of(Secret.of(SECRET)), Optional.empty(), timeout);
        fixture.loop(new WebhookSender(endpoint, config, timeout, 8, Clock.systemUTC()), timeout, 5, Clock.systemUTC())
                .start();
    }

    private UUID enqueueTemplateDeleted(String name) throws Exception {
        UUID user = data.user().insert();
        return data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"" + name + "\"}");
    }

    private String status(UUID id) throws Exception {
        return column(id, "status");
    }

    private String column(UUID id, String expression) {
        return data.messageColumn(id, expression);
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = WebhookSenderTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
