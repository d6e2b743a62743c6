package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every endpoint: its happy path, its permissions and what it says to bad input. */
class ApiTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("api");

    private static final PostgresExtension postgres = fleet.postgres();

    private static HeraldServer server;
    private static ApiClient api;
    private static User owner;
    private static User member;
    private static String ownerKey;
    private static String memberKey;
    private static String userAdminKey;

    @BeforeAll
    static void start() throws Exception {
        server = fleet.start("api");
        api = new ApiClient(server.apiPort().orElseThrow());
        UserDirectory users = new UserDirectory(postgres.dataSource());
        owner = users.create("owner@example.com", "owner", "Olive Owner", Set.of(UserRole.OWNER));
        member = users.create("member@example.com", "member", "Max Member", Set.of(UserRole.MEMBER));
        User userAdmin = users.create("admin@example.com", "useradmin", "", Set.of(UserRole.USER_ADMIN));
        ownerKey = users.createKey(owner.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
        memberKey = users.createKey(member.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
        userAdminKey = users.createKey(userAdmin.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
    }

    @Test
    void customNotificationsAreRateLimitedPerUserWithRetryAfter() throws Exception {
        User sender = new UserDirectory(postgres.dataSource())
                .create("chatty@example.com", "chatty", "", Set.of(UserRole.MEMBER));
        String key = new UserDirectory(postgres.dataSource())
                .createKey(sender.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(api.post(
                            "/api/v2/notifications/custom",
                            key,
                            "{\"content\": {\"title\": \"Note " + i + "\", \"message\": \"Hello " + i + "\"}}")
                    .status());
        }

        assertThat(statuses.subList(0, 10)).containsOnly(204);
        assertThat(statuses.subList(10, 12)).containsOnly(429);
        var throttled = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                                        + server.apiPort().orElseThrow() + "/api/v2/notifications/custom"))
                                .header("Coder-Session-Token", key)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"content\": {\"title\": \"x\", \"message\": \"y\"}}"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 6));
        assertThat(throttled.body()).contains("too fast");
    }

    @Test
    void requestsWithoutAValidKeyAreRefused() {
        assertError(api.get("/api/v2/notifications/dispatch-methods", null), 401, "not signed in");
        assertError(api.get("/api/v2/notifications/dispatch-methods", "abc-def"), 401, "not valid");
        assertThat(api.send("GET", "/api/v2/users/me", null, null).status()).isEqualTo(401);
    }

    @Test
    void aBearerTokenWorksLikeTheSessionHeader() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + server.apiPort().orElseThrow() + "/api/v2/users/me"))
                .header("Authorization", "Bearer " + memberKey)
                .build();
        var response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).get("username").asText())
                .isEqualTo("member");
    }

    @Test
    void notificationSettingsPauseAndResumeAndAnswer304WhenUnchanged() {
        assertThat(api.get("/api/v2/notifications/settings", ownerKey)
                        .json()
                        .get("notifier_paused")
                        .asBoolean())
                .isFalse();
        assertThat(api.put("/api/v2/notifications/settings", ownerKey, "{\"notifier_paused\": true}")
                        .status())
                .isEqualTo(200);
        assertThat(api.put("/api/v2/notifications/settings", ownerKey, "{\"notifier_paused\": true}")
                        .status())
                .isEqualTo(304);
        assertThat(api.get("/api/v2/notifications/settings", ownerKey)
                        .json()
                        .get("notifier_paused")
                        .asBoolean())
                .isTrue();
        assertThat(api.put("/api/v2/notifications/settings", ownerKey, "{\"notifier_paused\": false}")
                        .status())
                .isEqualTo(200);

        assertThat(api.get("/api/v2/notifications/settings", memberKey).json().has("notifier_paused"))
                .as("every signed-in user may read the settings, as in Coder")
                .isTrue();
        assertError(api.put("/api/v2/notifications/settings", memberKey, "{\"notifier_paused\": true}"), 403, "owner");
        assertField(
                api.put("/api/v2/notifications/settings", ownerKey, "{\"notifier_paused\": \"yes\"}"),
                "notifier_paused");
        assertField(api.put("/api/v2/notifications/settings", ownerKey, "{\"paused\": true}"), "paused");
        assertError(api.put("/api/v2/notifications/settings", ownerKey, "{\"notifier_paused\": tru"), 400, "JSON");
        assertField(api.put("/api/v2/notifications/settings", ownerKey, "{}"), "notifier_paused");
    }

    @Test
    void dispatchMethodsAndSystemTemplatesAreVisibleToEveryone() {
        JsonNode methods =
                api.get("/api/v2/notifications/dispatch-methods", memberKey).json();
        assertThat(methods.get("available").toString())
                .as("Coder lists the inbox among the methods")
                .isEqualTo("[\"smtp\",\"webhook\",\"inbox\"]");
        assertThat(methods.get("default").asText()).as("Coder's field name").isIn("smtp", "webhook");
        assertThat(methods.size()).isEqualTo(2);

        JsonNode templates =
                api.get("/api/v2/notifications/templates/system", memberKey).json();
        assertThat(templates).hasSize(23);
        assertThat(templates.get(0).has("title_template")).isTrue();
        assertThat(templates.get(0).get("actions").isArray()).isTrue();
        assertThat(templates.findValuesAsText("kind")).containsOnly("system");

        JsonNode custom =
                api.get("/api/v2/notifications/templates/custom", memberKey).json();
        assertThat(custom).hasSize(1);
        assertThat(custom.get(0).get("id").asText()).isEqualTo(SystemTemplates.CUSTOM_NOTIFICATION.toString());
        assertThat(custom.get(0).get("kind").asText()).isEqualTo("custom");
    }

    @Test
    void aTemplatesMethodIsChosenByOwnersOnly() {
        String path = "/api/v2/notifications/templates/" + SystemTemplates.TEMPLATE_DELETED + "/method";

        JsonNode changed = api.put(path, ownerKey, "{\"method\": \"webhook\"}").json();
        assertThat(changed.get("method").asText()).isEqualTo("webhook");
        assertThat(api.put(path, ownerKey, "{\"method\": \"webhook\"}").status())
                .isEqualTo(304);
        assertThat(api.put(path, ownerKey, "{\"method\": \"\"}")
                        .json()
                        .get("method")
                        .asText())
                .isEmpty();

        assertField(api.put(path, ownerKey, "{\"method\": \"fax\"}"), "method");
        assertError(api.put(path, memberKey, "{\"method\": \"smtp\"}"), 403, "owner");
        assertError(
                api.put(
                        "/api/v2/notifications/templates/" + UUID.randomUUID() + "/method",
                        ownerKey,
                        "{\"method\": \"smtp\"}"),
                404,
                "No notification template");
        assertField(
                api.put("/api/v2/notifications/templates/not-a-uuid/method", ownerKey, "{\"method\": \"smtp\"}"), "id");
    }

    @Test
    void testAndCustomNotificationsGoToTheCaller() {
        ApiClient.Answer test = api.post("/api/v2/notifications/test", ownerKey, null);
        assertThat(test.status()).as("Coder's answer").isEqualTo(204);
        assertThat(test.body()).isEmpty();
        TestData data = new TestData(postgres.dataSource());
        UUID testId = latestMessage(SystemTemplates.TEST_NOTIFICATION, owner.id());
        assertThat(data.messageColumn(testId, "user_id")).isEqualTo(owner.id().toString());
        assertThat(api.post("/api/v2/notifications/test", ownerKey, null).status())
                .as("a second test the same day is not a duplicate")
                .isEqualTo(204);
        assertError(api.post("/api/v2/notifications/test", memberKey, null), 403, "owner");

        assertThat(api.post(
                                "/api/v2/notifications/custom",
                                memberKey,
                                "{\"content\": {\"title\": \"Lunch\", \"message\": \"The pizza is here\"}}")
                        .status())
                .isEqualTo(204);
        UUID customId = latestMessage(SystemTemplates.CUSTOM_NOTIFICATION, member.id());
        assertThat(data.messageColumn(customId, "payload->'labels'->>'custom_title'"))
                .isEqualTo("Lunch");
        assertThat(data.messageColumn(customId, "user_id"))
                .isEqualTo(member.id().toString());
        assertThat(data.messageColumn(customId, "created_by"))
                .as("as Coder records it: the caller's id")
                .isEqualTo(member.id().toString());

        assertField(
                api.post(
                        "/api/v2/notifications/custom",
                        memberKey,
                        "{\"content\": {\"title\": \"" + "x".repeat(121) + "\", \"message\": \"m\"}}"),
                "content.title");
        assertField(
                api.post(
                        "/api/v2/notifications/custom",
                        memberKey,
                        "{\"content\": {\"title\": \"t\", \"message\": \"" + "x".repeat(2001) + "\"}}"),
                "content.message");
        assertField(
                api.post("/api/v2/notifications/custom", memberKey, "{\"content\": {\"title\": \"t\"}}"),
                "content.message");
    }

    @Test
    void preferencesBelongToTheirUserAndToAccountAdmins() {
        String template = SystemTemplates.WORKSPACE_DORMANT.toString();
        JsonNode updated = api.put(
                        "/api/v2/users/me/notifications/preferences",
                        memberKey,
                        "{\"template_disabled_map\": {\"" + template + "\": true}}")
                .json();
        assertThat(updated).hasSize(1);
        assertThat(updated.get(0).get("id").asText()).isEqualTo(template);
        assertThat(updated.get(0).get("disabled").asBoolean()).isTrue();

        assertThat(api.get("/api/v2/users/member/notifications/preferences", ownerKey)
                        .json())
                .hasSize(1);
        assertThat(api.get("/api/v2/users/" + member.id() + "/notifications/preferences", userAdminKey)
                        .status())
                .isEqualTo(200);
        ApiClient.Answer anothers = api.get("/api/v2/users/owner/notifications/preferences", memberKey);
        ApiClient.Answer nobodys = api.get("/api/v2/users/nobody/notifications/preferences", memberKey);
        assertError(anothers, 400, "\"user\" must be an existing uuid or username.");
        assertThat(anothers.json().get("detail").asText()).isEqualTo("queried user=\"owner\"");
        assertThat(nobodys.json().get("message"))
                .as("as in Coder, another member's answer says no more than a stranger's")
                .isEqualTo(anothers.json().get("message"));
        assertError(
                api.put("/api/v2/users/owner/notifications/preferences", memberKey, "{\"template_disabled_map\": {}}"),
                400,
                "must be an existing uuid or username");
        assertError(api.get("/api/v2/users/nobody/notifications/preferences", ownerKey), 400, "existing uuid");
        assertField(
                api.put(
                        "/api/v2/users/me/notifications/preferences",
                        memberKey,
                        "{\"template_disabled_map\": {\"" + UUID.randomUUID() + "\": true}}"),
                "template_disabled_map.");
        assertField(
                api.put(
                        "/api/v2/users/me/notifications/preferences",
                        memberKey,
                        "{\"template_disabled_map\": {\"x\": 1}}"),
                "template_disabled_map");
    }

    @Test
    void producersEnqueueOverHttpAndLearnOfDuplicatesAndOptOuts() {
        User recipient = createUser("recipient");
        String body = "{\"template_id\": \"" + SystemTemplates.WORKSPACE_DELETED + "\", \"user_id\": \""
                + recipient.id() + "\", \"labels\": {\"name\": \"ws-1\", \"reason\": \"old\", \"initiator\": \"ops\"}}";

        JsonNode created =
                api.post("/api/v2/notifications/messages", ownerKey, body).json();
        assertThat(created.get("message_id").asText()).isNotBlank();
        assertError(api.post("/api/v2/notifications/messages", ownerKey, body), 409, "already sent");

        new TestData(postgres.dataSource()).setPreference(recipient.id(), SystemTemplates.WORKSPACE_DELETED, true);
        String other = body.replace("ws-1", "ws-2");
        assertError(api.post("/api/v2/notifications/messages", ownerKey, other), 422, "turned this notification off");

        assertError(api.post("/api/v2/notifications/messages", memberKey, body), 403, "owner");
        assertField(
                api.post(
                        "/api/v2/notifications/messages",
                        ownerKey,
                        "{\"template_id\": \"" + SystemTemplates.WORKSPACE_DELETED + "\", \"user_id\": \""
                                + recipient.id() + "\"}"),
                "labels");
        assertField(
                api.post("/api/v2/notifications/messages", ownerKey, "{\"user_id\": \"" + recipient.id() + "\"}"),
                "template_id");
        assertField(api.post("/api/v2/notifications/messages", ownerKey, "{\"template_id\": 7}"), "template_id");
    }

    @Test
    void eventsFanOutToTheirDocumentedRecipients() {
        User workspaceOwner = createUser("wsowner");
        JsonNode result = api.post(
                        "/api/v2/notifications/events/workspace-deleted",
                        ownerKey,
                        "{\"owner_id\": \"" + workspaceOwner.id() + "\", \"workspace_name\": \"dev\", \"reason\":"
                                + " \"idle\", \"initiator\": \"autostop\"}")
                .json();
        assertThat(result.get("recipients").toString())
                .contains(workspaceOwner.id().toString());
        assertThat(result.get("message_ids")).hasSize(1);

        JsonNode suspended = api.post(
                        "/api/v2/notifications/events/user-account-suspended",
                        ownerKey,
                        "{\"user_id\": \"" + workspaceOwner.id() + "\", \"username\": \"wsowner\", \"initiator\":"
                                + " \"owner\"}")
                .json();
        assertThat(suspended.get("recipients").toString())
                .as("account admins and the user themself")
                .contains(owner.id().toString())
                .contains(workspaceOwner.id().toString());

        JsonNode disk = api.post(
                        "/api/v2/notifications/events/workspace-out-of-disk",
                        ownerKey,
                        "{\"owner_id\": \"" + workspaceOwner.id() + "\", \"workspace_name\": \"dev\", \"volumes\":"
                                + " [{\"path\": \"/home/coder\", \"threshold\": \"90%\"}]}")
                .json();
        assertThat(disk.get("message_ids")).as(disk.toString()).hasSize(1);
        assertThat(new TestData(postgres.dataSource())
                        .messageColumn(
                                UUID.fromString(disk.get("message_ids").get(0).asText()),
                                "payload->'data'->'single_volume'->>'path'"))
                .isEqualTo("/home/coder");
        JsonNode report = api.post(
                        "/api/v2/notifications/events/workspace-builds-failed-report",
                        ownerKey,
                        "{\"report_frequency\": \"week\", \"templates\": [{\"name\": \"docker\", \"display_name\":"
                                + " \"Docker\", \"failed_builds\": 1, \"total_builds\": 9, \"versions\":"
                                + " [{\"template_version_name\": \"v1\", \"failed_count\": 1, \"failed_builds\":"
                                + " [{\"workspace_owner_username\": \"ben\", \"workspace_name\": \"w\","
                                + " \"build_number\": 3}]}]}]}")
                .json();
        assertThat(report.has("recipients")).as(report.toString()).isTrue();
        assertField(
                api.post(
                        "/api/v2/notifications/events/workspace-out-of-disk",
                        ownerKey,
                        "{\"owner_id\": \"" + workspaceOwner.id() + "\", \"workspace_name\": \"dev\", \"volumes\":"
                                + " [{\"path\": \"/home\"}]}"),
                "volumes");
        assertField(
                api.post(
                        "/api/v2/notifications/events/workspace-builds-failed-report",
                        ownerKey,
                        "{\"report_frequency\": \"week\", \"templates\": [{\"name\": 5}]}"),
                "templates");

        for (String incomplete : List.of(
                "{\"name\": \"d\", \"display_name\": \"D\", \"failed_builds\": 1, \"total_builds\": 2, \"versions\": [{\"failed_builds\": []}]}",
                "{\"name\": \"d\", \"display_name\": \"D\", \"failed_builds\": 1, \"total_builds\": 2, \"versions\": [{\"template_version_name\": \"v1\"}]}",
                "{\"name\": \"d\", \"display_name\": \"D\", \"failed_builds\": 1, \"total_builds\": 2, \"versions\": [{\"template_version_name\": \"v1\","
                        + " \"failed_builds\": [{\"build_number\": 3}]}]}",
                "{\"display_name\": \"D\", \"failed_builds\": 1, \"total_builds\": 2, \"versions\": []}")) {
            assertField(
                    api.post(
                            "/api/v2/notifications/events/workspace-builds-failed-report",
                            ownerKey,
                            "{\"report_frequency\": \"week\", \"templates\": [" + incomplete + "]}"),
                    "templates");
        }

        assertError(api.post("/api/v2/notifications/events/party", ownerKey, "{}"), 404, "not an event");
        assertField(
                api.post(
                        "/api/v2/notifications/events/workspace-deleted",
                        ownerKey,
                        "{\"owner_id\": \"" + workspaceOwner.id() + "\"}"),
                "workspace_name");
        assertError(api.post("/api/v2/notifications/events/workspace-deleted", memberKey, "{}"), 403, "owner");
    }

    @Test
    void messagesAreListedFilteredPaginatedAndFailedOnesReDriven() {
        User recipient = createUser("pager");
        List<UUID> ids = new ArrayList<>();
        TestData data = new TestData(postgres.dataSource());
        for (int i = 0; i < 3; i++) {
            ids.add(data.enqueue(SystemTemplates.TEST_NOTIFICATION, recipient.id(), "{\"n\": \"" + i + "\"}"));
        }
        postgres.execute("UPDATE notification_messages SET status = 'permanent_failure', attempt_count = 5,"
                + " status_reason = 'HTTP 410 Gone' WHERE id = '" + ids.getFirst() + "'");

        JsonNode firstPage = api.get("/api/v2/notifications/messages?user=pager&method=smtp&limit=2", ownerKey)
                .json();
        assertThat(firstPage.get("messages")).hasSize(2);
        String next = firstPage.get("next_before").asText();
        JsonNode secondPage = api.get(
                        "/api/v2/notifications/messages?user=pager&method=smtp&limit=2&before=" + next, ownerKey)
                .json();
        assertThat(secondPage.get("messages")).hasSize(1);
        assertThat(secondPage.get("next_before").isNull()).isTrue();

        JsonNode failed = api.get(
                        "/api/v2/notifications/messages?status=permanent_failure&user=" + recipient.id(), ownerKey)
                .json()
                .get("messages");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("status_reason").asText()).isEqualTo("HTTP 410 Gone");
        assertThat(failed.get(0).get("attempt_count").asInt()).isEqualTo(5);
        assertThat(failed.get(0).get("payload").get("notification_name").asText())
                .isEqualTo("Test Notification");

        JsonNode counts =
                api.get("/api/v2/notifications/messages/counts", ownerKey).json();
        assertThat(counts.get("permanent_failure").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(api.get("/api/v2/notifications/messages/" + ids.get(1), ownerKey)
                        .json()
                        .get("id")
                        .asText())
                .isEqualTo(ids.get(1).toString());

        JsonNode redriven = api.post("/api/v2/notifications/messages/" + ids.getFirst() + "/retry", ownerKey, null)
                .json();
        assertThat(redriven.get("status").asText()).isEqualTo("temporary_failure");
        assertThat(redriven.get("attempt_count").asInt()).isZero();
        assertThat(redriven.get("status_reason").asText())
                .contains("re-driven by owner")
                .contains("HTTP 410 Gone");
        assertError(
                api.post("/api/v2/notifications/messages/" + ids.getFirst() + "/retry", ownerKey, null),
                409,
                "permanently");
        assertError(
                api.post("/api/v2/notifications/messages/" + UUID.randomUUID() + "/retry", ownerKey, null),
                404,
                "No message");

        assertField(api.get("/api/v2/notifications/messages?status=lost", ownerKey), "status");
        assertField(api.get("/api/v2/notifications/messages?limit=0", ownerKey), "limit");
        assertField(api.get("/api/v2/notifications/messages?created_after=yesterday", ownerKey), "created_after");
        assertField(api.get("/api/v2/notifications/messages?before=zzz", ownerKey), "before");
        assertError(api.get("/api/v2/notifications/messages", memberKey), 403, "owner");
    }

    @Test
    void usersAreCreatedByAdminsAndKeysByThemselves() {
        JsonNode created = api.post(
                        "/api/v2/users",
                        userAdminKey,
                        "{\"email\": \"new@example.com\", \"username\": \"newbie\", \"name\": \"New Bie\"}")
                .json();
        assertThat(created.get("roles").toString()).isEqualTo("[\"member\"]");
        assertError(
                api.post("/api/v2/users", ownerKey, "{\"email\": \"other@example.com\", \"username\": \"NEWBIE\"}"),
                409,
                "already exists");
        assertField(api.post("/api/v2/users", ownerKey, "{\"email\": \"nope\", \"username\": \"x\"}"), "email");
        assertField(
                api.post(
                        "/api/v2/users",
                        ownerKey,
                        "{\"email\": \"a@b.c\", \"username\": \"x\", \"roles\": [\"king\"]}"),
                "roles");
        assertError(
                api.post(
                        "/api/v2/users",
                        userAdminKey,
                        "{\"email\": \"a@b.c\", \"username\": \"boss\", \"roles\": [\"owner\"]}"),
                403,
                "owner");
        assertError(api.post("/api/v2/users", memberKey, "{\"email\": \"a@b.c\", \"username\": \"x\"}"), 403, "roles");
        assertThat(api.get("/api/v2/users", ownerKey).json().get("users").toString())
                .contains("newbie");

        String key = api.post("/api/v2/users/me/keys", memberKey, "{\"token_name\": \"cli\"}")
                .json()
                .get("key")
                .asText();
        assertThat(api.get("/api/v2/users/me", key).json().get("username").asText())
                .isEqualTo("member");
        assertError(api.post("/api/v2/users/owner/keys", memberKey, null), 403, "owner");
    }

    @Test
    void oversizedBodiesAndUnknownEndpointsGetJsonErrors() {
        String huge = "{\"content\": {\"title\": \"t\", \"message\": \"" + "x".repeat(300_000) + "\"}}";
        ApiClient.Answer tooLarge = api.post("/api/v2/notifications/custom", memberKey, huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("message").asText()).contains("larger than");
        assertError(api.get("/api/v2/nothing-here", ownerKey), 404, "No such endpoint");
    }

    @Test
    void healthAndReadiness() {
        assertThat(api.get("/healthz", null).status()).isEqualTo(200);
        ApiClient.Answer ready = api.get("/readyz", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("ready").asBoolean()).isTrue();
    }

    @Test
    void theOpenApiDescriptionIsValidAndDescribesExactlyWhatIsServed() {
        JsonNode document = api.get("/api/v2/openapi.json", null).json();
        assertThat(document.get("openapi").asText()).startsWith("3.");
        List<String> described = new ArrayList<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    described.add(operation.getKey().toUpperCase() + " " + path.getKey());
                    assertThat(operation.getValue().has("responses"))
                            .as("%s %s has responses", operation.getKey(), path.getKey())
                            .isTrue();
                }));
        List<String> api = server.apiRoutes().stream()
                .filter(route -> route.contains(" /api/") || route.endsWith("/healthz") || route.endsWith("/readyz"))
                .toList();
        assertThat(described).containsExactlyInAnyOrderElementsOf(api);
        document.findValues("$ref").forEach(reference -> {
            String[] parts = reference.asText().substring(2).split("/");
            assertThat(document.at("/" + String.join("/", parts)).isMissingNode())
                    .as("%s resolves", reference.asText())
                    .isFalse();
        });
    }

    private static User createUser(String username) {
        try {
            return new UserDirectory(postgres.dataSource())
                    .create(username + "@example.com", username, "", Set.of(UserRole.MEMBER));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertError(ApiClient.Answer answer, int status, String messagePart) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.json().get("message").asText()).as(answer.body()).containsIgnoringCase(messagePart);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void assertField(ApiClient.Answer answer, String field) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        JsonNode validations = answer.json().get("validations");
        assertThat(validations).as(answer.body()).isNotEmpty();
        assertThat(validations.get(0).get("field").asText()).as(answer.body()).startsWith(field);
        assertThat(answer.body()).doesNotContain("Exception");
    }

    private UUID latestMessage(UUID template, UUID user) {
        try (java.sql.Connection connection = postgres.dataSource().getConnection();
                java.sql.PreparedStatement select = connection.prepareStatement(
                        "SELECT id FROM notification_messages WHERE notification_template_id = ? AND user_id = ?"
                                + " ORDER BY created_at DESC LIMIT 1")) {
            select.setObject(1, template);
            select.setObject(2, user);
            try (java.sql.ResultSet row = select.executeQuery()) {
                assertThat(row.next())
                        .as("a message of " + template + " for " + user)
                        .isTrue();
                return row.getObject(1, UUID.class);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
