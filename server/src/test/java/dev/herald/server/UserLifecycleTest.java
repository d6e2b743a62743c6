package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API keys with a lifecycle (listed, last use recorded, expiring by default, revoked) and users with one (suspended,
 * activated, deleted, each notified as Coder does), through the API and the web UI.
 */
class UserLifecycleTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("lifecycle");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final String PASSWORD = "correct horse battery";

    private static ApiClient api;
    private static RawHttp http;
    private static UserDirectory users;
    private static User owner;
    private static User userAdmin;
    private static String ownerKey;
    private static String adminKey;

    @BeforeAll
    static void start() throws Exception {
        users = new UserDirectory(postgres.dataSource());
        owner = users.create("olive@example.com", "olive", "Olive Owner", Set.of(UserRole.OWNER));
        users.setPasswordHash(owner.id(), Passwords.hash(PASSWORD));
        userAdmin = users.create("uma@example.com", "uma", "Uma Admin", Set.of(UserRole.USER_ADMIN));
        ownerKey = users.createKey(owner.id(), "test", Instant.now(), Duration.ofDays(1));
        adminKey = users.createKey(userAdmin.id(), "test", Instant.now(), Duration.ofDays(1));
        HeraldServer server = fleet.start("api", "--default-token-lifetime=720h");
        api = new ApiClient(server.apiPort().orElseThrow());
        http = new RawHttp(server.apiPort().orElseThrow());
    }

    @Test
    void keysAreListedWithTheirLastUseExpireByDefaultAndCanBeRevoked() {
        User ada = member("ada");
        String adaKey = api.post("/api/v2/users/ada/keys/tokens", ownerKey, "{\"token_name\": \"laptop\"}")
                .json()
                .get("key")
                .asText();
        String shortKey = api.post(
                        "/api/v2/users/ada/keys/tokens", ownerKey, "{\"token_name\":\"ci\",\"lifetime\":\"1h\"}")
                .json()
                .get("key")
                .asText();
        assertThat(api.get("/api/v2/users/me", adaKey).status()).isEqualTo(200);

        JsonNode keys = api.get("/api/v2/users/ada/keys/tokens", adaKey).json();
        assertThat(keys).hasSize(2);
        JsonNode laptop = find(keys, "laptop");
        assertThat(adaKey).startsWith(laptop.get("id").asText() + "-");
        assertThat(laptop.get("user_id").asText()).isEqualTo(ada.id().toString());
        assertThat(laptop.get("last_used").isNull()).as("used a moment ago").isFalse();
        assertThat(Duration.between(
                        Instant.parse(laptop.get("created_at").asText()),
                        Instant.parse(laptop.get("expires_at").asText())))
                .as("--default-token-lifetime")
                .isEqualTo(Duration.ofHours(720));
        JsonNode ci = find(keys, "ci");
        assertThat(ci.get("last_used").isNull()).isTrue();
        assertThat(Duration.between(
                        Instant.parse(ci.get("created_at").asText()),
                        Instant.parse(ci.get("expires_at").asText())))
                .isEqualTo(Duration.ofHours(1));
        assertThat(keys.toString()).doesNotContain(adaKey.substring(adaKey.indexOf('-') + 1));

        assertThat(api.get("/api/v2/users/olive/keys/tokens", adaKey).status())
                .as("a member sees only their own keys")
                .isEqualTo(403);
        assertThat(api.send(
                                "DELETE",
                                "/api/v2/users/ada/keys/" + laptop.get("id").asText(),
                                adaKey,
                                null)
                        .status())
                .isEqualTo(204);
        assertThat(api.get("/api/v2/users/me", adaKey).status())
                .as("a revoked key stops at once")
                .isEqualTo(401);
        assertThat(api.send(
                                "DELETE",
                                "/api/v2/users/ada/keys/" + laptop.get("id").asText(),
                                ownerKey,
                                null)
                        .status())
                .isEqualTo(404);
        assertThat(api.post("/api/v2/users/ada/keys/tokens", ownerKey, "{\"lifetime\": -5}")
                        .status())
                .isEqualTo(400);
    }

    @Test
    void anExpiredKeyIsRefused() throws Exception {
        User bo = member("bo");
        String key = users.createKey(bo.id(), "old", Instant.now().minus(Duration.ofDays(8)), Duration.ofDays(7));

        assertThat(api.get("/api/v2/users/me", key).status()).isEqualTo(401);
    }

    @Test
    void suspendingActivatingAndDeletingAUserNotifiesThemAndTheAccountAdmins() throws Exception {
        User cy = member("cy");
        String cyKey = users.createKey(cy.id(), "test", Instant.now(), Duration.ofDays(1));

        JsonNode suspended =
                api.put("/api/v2/users/cy/status/suspend", adminKey, "").json();
        assertThat(suspended.get("status").asText()).isEqualTo("suspended");
        assertThat(api.get("/api/v2/users/me", cyKey).status())
                .as("a suspended user's key stops")
                .isEqualTo(401);
        assertThat(recipients(SystemTemplates.YOUR_ACCOUNT_SUSPENDED, "cy")).containsExactly(cy.id());
        assertThat(recipients(SystemTemplates.USER_ACCOUNT_SUSPENDED, "cy"))
                .containsExactlyInAnyOrder(owner.id(), userAdmin.id());

        assertThat(api.put("/api/v2/users/cy/status/activate", ownerKey, "")
                        .json()
                        .get("status")
                        .asText())
                .isEqualTo("active");
        assertThat(api.get("/api/v2/users/me", cyKey).status()).isEqualTo(200);
        assertThat(recipients(SystemTemplates.YOUR_ACCOUNT_ACTIVATED, "cy")).containsExactly(cy.id());
        assertThat(recipients(SystemTemplates.USER_ACCOUNT_ACTIVATED, "cy"))
                .containsExactlyInAnyOrder(owner.id(), userAdmin.id());

        ApiClient.Answer deleted = api.send("DELETE", "/api/v2/users/cy", ownerKey, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("message").asText()).contains("cy");
        assertThat(users.find("cy")).isEmpty();
        assertThat(recipients(SystemTemplates.USER_ACCOUNT_DELETED, "cy"))
                .containsExactlyInAnyOrder(owner.id(), userAdmin.id());
    }

    @Test
    void theRulesOfTheLifecycleAreExplained() throws Exception {
        member("dee");
        String deeKey = users.createKey(users.find("dee").orElseThrow().id(), "t", Instant.now(), Duration.ofDays(1));

        assertThat(api.put("/api/v2/users/olive/status/suspend", ownerKey, "")
                        .json()
                        .get("message")
                        .asText())
                .contains("cannot suspend yourself");
        assertThat(api.put("/api/v2/users/olive/status/suspend", adminKey, "")
                        .json()
                        .get("message")
                        .asText())
                .contains("Only an owner may suspend an owner");
        assertThat(api.send("DELETE", "/api/v2/users/olive", ownerKey, null).status())
                .isEqualTo(403);
        assertThat(api.put("/api/v2/users/olive/status/suspend", deeKey, "").status())
                .as("a member may not")
                .isEqualTo(403);
        assertThat(api.send("DELETE", "/api/v2/users/nobody-at-all", ownerKey, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anOwnerSuspendsActivatesAndDeletesFromTheUsersPage() throws Exception {
        User eve = member("eve");
        RawHttp.Answer signedIn = SignInTest.signIn(http, "olive", PASSWORD, Map.of());
        String cookie = SignInTest.cookie(signedIn);
        String page = http.get("/deployment/users", Map.of("Cookie", cookie)).body();
        assertThat(page).contains("eve").contains("/deployment/users/" + eve.id() + "/suspend");
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();

        RawHttp.Answer suspend = post(cookie, "/deployment/users/" + eve.id() + "/suspend", "csrf=" + csrf.group(1));
        assertThat(suspend.status()).isEqualTo(303);
        assertThat(suspend.header("Location")).contains("eve+is+suspended");
        assertThat(users.find("eve").orElseThrow().status()).isEqualTo("suspended");
        assertThat(recipients(SystemTemplates.YOUR_ACCOUNT_SUSPENDED, "eve")).containsExactly(eve.id());

        post(cookie, "/deployment/users/" + eve.id() + "/activate", "csrf=" + csrf.group(1));
        assertThat(users.find("eve").orElseThrow().status()).isEqualTo("active");

        RawHttp.Answer unconfirmed =
                post(cookie, "/deployment/users/" + eve.id() + "/delete", "csrf=" + csrf.group(1) + "&confirm=nope");
        assertThat(unconfirmed.header("Location")).contains("error=");
        assertThat(users.find("eve")).isPresent();
        post(cookie, "/deployment/users/" + eve.id() + "/delete", "csrf=" + csrf.group(1) + "&confirm=eve");
        assertThat(users.find("eve")).isEmpty();

        RawHttp.Answer forged = post(cookie, "/deployment/users/" + owner.id() + "/suspend", "csrf=forged");
        assertThat(forged.status()).isEqualTo(403);
    }

    private static RawHttp.Answer post(String cookie, String path, String form) {
        return http.send(
                "POST",
                path,
                Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"),
                form.getBytes(StandardCharsets.UTF_8));
    }

    private static User member(String username) {
        try {
            return users.create(username + "@example.com", username, "", Set.of(UserRole.MEMBER));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode find(JsonNode keys, String name) {
        for (JsonNode key : keys) {
            if (key.get("token_name").asText().equals(name)) {
                return key;
            }
        }
        throw new AssertionError("no key named " + name + " in " + keys);
    }

    /** Who was sent {@code template} about {@code username} (any label naming them). */
    private static List<UUID> recipients(UUID template, String username) throws Exception {
        List<UUID> recipients = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT user_id FROM notification_messages"
                        + " WHERE notification_template_id = ? AND payload::text LIKE ? AND method <> 'inbox'")) {
            select.setObject(1, template);
            select.setString(2, "%\"" + username + "\"%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    recipients.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return recipients;
    }
}
