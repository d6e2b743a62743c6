package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inbox through the real pipeline: enqueue, the relay, the inbox topic, dispatcher-inbox, then Coder's API and its
 * watch socket, as a client of Coder's inbox would use them.
 */
class InboxTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("inbox");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();
    private static final String INBOX = "/api/v2/notifications/inbox";
    private static final String INBOX_ON = "--notifications-inbox-enabled=true";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aUserListsWatchesAndMarksTheirOwnInbox() throws Exception {
        HeraldServer server = fleet.start(
                "producer,dispatcher-webhook,dispatcher-inbox,api",
                "--notifications-method=webhook",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                INBOX_ON);
        int port = server.apiPort().orElseThrow();
        ApiClient api = new ApiClient(port);
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User ann = users.create("ann@example.com", "ann", "Ann Example", Set.of(UserRole.MEMBER));
        User bob = users.create("bob@example.com", "bob", "Bob Example", Set.of(UserRole.MEMBER));
        String annKey = users.createKey(ann.id(), "test", Instant.now(), Duration.ofDays(1));
        String bobKey = users.createKey(bob.id(), "test", Instant.now(), Duration.ofDays(1));

        Watch everything = Watch.open(port, "", annKey);
        Watch customOnly = Watch.open(port, "?templates=" + SystemTemplates.CUSTOM_NOTIFICATION, annKey);
        Watch plainText = Watch.open(port, "?format=plaintext", annKey);
        Watch bobs = Watch.open(port, "", bobKey);

        assertThat(api.post(
                                "/api/v2/notifications/custom",
                                annKey,
                                "{\"content\": {\"title\": \"Deploy **done**\", \"message\": \"See [the log](https://example.com/log).\"}}")
                        .status())
                .isEqualTo(204);
        JsonNode first = everything.next();
        new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, ann.id(), "{\"name\": \"old\", \"initiator\": \"ops\"}");
        JsonNode second = everything.next();

        assertThat(first.path("unread_count").asInt()).isEqualTo(1);
        assertThat(first.path("notification").path("title").asText()).isEqualTo("Deploy **done**");
        assertThat(first.path("notification").path("template_id").asText())
                .isEqualTo(SystemTemplates.CUSTOM_NOTIFICATION.toString());
        assertThat(first.path("notification").path("user_id").asText())
                .isEqualTo(ann.id().toString());
        assertThat(first.path("notification").path("read_at").isNull()).isTrue();
        assertThat(second.path("unread_count").asInt()).isEqualTo(2);
        assertThat(second.path("notification").path("title").asText()).isEqualTo("Template \"old\" deleted");
        assertThat(second.path("notification").path("icon").asText()).isEqualTo("DEFAULT_TEMPLATE_ICON");
        assertThat(second.path("notification")
                        .path("actions")
                        .get(0)
                        .path("label")
                        .asText())
                .isEqualTo("View templates");

        assertThat(customOnly.next().path("notification").path("id"))
                .isEqualTo(first.path("notification").path("id"));
        assertThat(customOnly.nothingMoreWithin(Duration.ofSeconds(2)))
                .as("the template filter keeps the other one out")
                .isTrue();
        JsonNode plain = plainText.next().path("notification");
        assertThat(plain.path("title").asText()).isEqualTo("Deploy done");
        assertThat(plain.path("content").asText()).doesNotContain("](").contains("the log");
        assertThat(bobs.nothingMoreWithin(Duration.ofSeconds(1)))
                .as("nobody watches another's inbox")
                .isTrue();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests().size() == 2);

        JsonNode listed = api.get(INBOX, annKey).json();
        assertThat(listed.path("unread_count").asInt()).isEqualTo(2);
        assertThat(listed.path("notifications"))
                .extracting(node -> node.path("id").asText())
                .as("newest first")
                .containsExactly(
                        second.path("notification").path("id").asText(),
                        first.path("notification").path("id").asText());
        String secondId = second.path("notification").path("id").asText();
        String firstId = first.path("notification").path("id").asText();
        assertThat(api.get(INBOX + "?starting_before=" + secondId, annKey)
                        .json()
                        .path("notifications"))
                .extracting(node -> node.path("id").asText())
                .containsExactly(firstId);
        assertThat(api.get(INBOX + "?templates=" + SystemTemplates.TEMPLATE_DELETED, annKey)
                        .json()
                        .path("notifications"))
                .hasSize(1);
        assertThat(api.get(INBOX + "?targets=" + ann.id(), annKey).json().path("notifications"))
                .isEmpty();
        assertThat(api.get(INBOX, bobKey).json().path("notifications")).isEmpty();

        ApiClient.Answer read = api.put(INBOX + "/" + firstId + "/read-status", annKey, "{\"is_read\": true}");
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().path("notification").path("read_at").isTextual()).isTrue();
        assertThat(read.json().path("unread_count").asInt()).isEqualTo(1);
        assertThat(api.get(INBOX + "?read_status=read", annKey).json().path("notifications"))
                .extracting(node -> node.path("id").asText())
                .containsExactly(firstId);
        ApiClient.Answer unread = api.put(INBOX + "/" + firstId + "/read-status", annKey, "{\"is_read\": false}");
        assertThat(unread.json().path("notification").path("read_at").isNull()).isTrue();
        assertThat(unread.json().path("unread_count").asInt()).isEqualTo(2);

        assertThat(api.put(INBOX + "/" + firstId + "/read-status", bobKey, "{\"is_read\": true}")
                        .status())
                .as("another user's notification is not found")
                .isEqualTo(404);
        assertThat(api.put(INBOX + "/" + firstId + "/read-status", annKey, "{}")
                        .json()
                        .path("validations")
                        .get(0)
                        .path("field")
                        .asText())
                .isEqualTo("is_read");
        assertThat(api.get(INBOX + "?read_status=maybe", annKey).status()).isEqualTo(400);
        assertThat(api.get(INBOX + "?limit=5", annKey).json().path("message").asText())
                .contains("limit is not a query parameter here");

        assertThat(api.put(INBOX + "/mark-all-as-read", annKey, null).status()).isEqualTo(204);
        assertThat(api.get(INBOX + "?read_status=unread", annKey)
                        .json()
                        .path("unread_count")
                        .asInt())
                .isZero();

        for (Watch watch : List.of(everything, customOnly, plainText, bobs)) {
            watch.close();
        }
    }

    @Test
    void theWatchRefusesAnUnauthenticatedOrMalformedHandshakeWithAReadableAnswer() throws Exception {
        HeraldServer server = fleet.start("api", INBOX_ON);
        int port = server.apiPort().orElseThrow();
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User carol = users.create("carol@example.com", "carol", "", Set.of(UserRole.MEMBER));
        String key = users.createKey(carol.id(), "test", Instant.now(), Duration.ofDays(1));

        assertThat(handshakeStatus(port, "", null)).isEqualTo(401);
        RawHttp.Answer refused = new RawHttp(port)
                .get(
                        "/api/v2/notifications/inbox/watch?format=html",
                        Map.of(
                                "Connection", "Upgrade",
                                "Upgrade", "websocket",
                                "Sec-WebSocket-Version", "13",
                                "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==",
                                "Coder-Session-Token", key));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body())
                .as("the refusal is Herald's JSON, naming the parameter")
                .contains("\"field\":\"format\"")
                .contains("must be markdown or plaintext");
        assertThat(handshakeStatus(port, "?format=html", key)).isEqualTo(400);
        assertThat(handshakeStatus(port, "?targets=not-a-uuid", key)).isEqualTo(400);
        Watch.open(port, "", key).close();
    }

    @Test
    void theWebUisSessionCookieReachesTheInboxFromHeraldsOwnPagesOnly() throws Exception {
        HeraldServer server = fleet.start("api", INBOX_ON);
        int port = server.apiPort().orElseThrow();
        User dan =
                new UserDirectory(postgres.dataSource()).create("dan@example.com", "dan", "", Set.of(UserRole.MEMBER));
        String cookie = new WebSessionStore(postgres.dataSource())
                .start(dan.id(), Instant.now(), Duration.ofHours(1))
                .cookie();

        assertThat(cookieRequest(port, INBOX, cookie, "GET", null).statusCode()).isEqualTo(200);
        assertThat(cookieRequest(port, INBOX + "/mark-all-as-read", cookie, "PUT", "http://127.0.0.1:" + port)
                        .statusCode())
                .isEqualTo(204);
        HttpResponse<String> forged =
                cookieRequest(port, INBOX + "/mark-all-as-read", cookie, "PUT", "https://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("another site");
        assertThat(cookieRequest(port, "/api/v2/notifications/dispatch-methods", cookie, "GET", null)
                        .statusCode())
                .as("only the inbox takes the cookie")
                .isEqualTo(401);
    }

    @Test
    void aDeploymentWithNeitherEmailNorWebhookStillDeliversToTheInbox() throws Exception {
        HeraldServer server = fleet.start(
                "producer,dispatcher-smtp,dispatcher-webhook,dispatcher-inbox,api",
                "--notifications-email-from=",
                INBOX_ON);
        ApiClient api = new ApiClient(server.apiPort().orElseThrow());
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("erin@example.com", "erin", "", Set.of(UserRole.OWNER));
        String key = users.createKey(owner.id(), "test", Instant.now(), Duration.ofDays(1));

        assertThat(api.post("/api/v2/notifications/test", key, null).status()).isEqualTo(204);

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> api.get(INBOX, key).json().path("notifications").size() == 1);
        TestData data = new TestData(postgres.dataSource());
        assertThat(data.countMessages("user_id = ?", owner.id())).isEqualTo(1);
        Awaitility.await("the inbox message's outcome is written back")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        data.countMessages("user_id = ? AND method = 'inbox' AND status = 'sent'", owner.id()) == 1);
        assertThat(fleet.smtp().messages()).isEmpty();
    }

    private HttpResponse<String> cookieRequest(int port, String path, String cookie, String method, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Cookie", WebSessionStore.COOKIE + "=" + cookie)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int handshakeStatus(int port, String query, String key) throws InterruptedException {
        try {
            Watch.open(port, query, key).close();
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("the handshake failed otherwise: " + e.getCause(), e);
        }
    }

    /** A watch socket, as Coder's clients open it, that queues every message it receives. */
    private static final class Watch implements WebSocket.Listener {

        private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final ObjectMapper json = new ObjectMapper();
        private WebSocket socket;

        static Watch open(int port, String query, String key) throws ExecutionException, InterruptedException {
            Watch watch = new Watch();
            WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
            if (key != null) {
                builder.header("Coder-Session-Token", key);
            }
            watch.socket = builder.buildAsync(
                            URI.create("ws://127.0.0.1:" + port + "/api/v2/notifications/inbox/watch" + query), watch)
                    .get();
            return watch;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode next() throws InterruptedException, IOException {
            String message = messages.poll(30, TimeUnit.SECONDS);
            assertThat(message)
                    .as("a notification on the watch socket within 30 s")
                    .isNotNull();
            return json.readTree(message);
        }

        boolean nothingMoreWithin(Duration wait) throws InterruptedException {
            return messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS) == null;
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }
}
