package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.testing.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sign-in door against strangers: forms from other sites, throttling per client address and per username (429
 * with Retry-After), redirects that stay on the site, expired sessions cleaned up, caught mail for owners only. Each
 * test runs its own server, so that the throttles of one do not touch another.
 */
class SignInTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("signin");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final String PASSWORD = "correct horse battery";

    private static User olive;

    @BeforeAll
    static void users() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        olive = users.create("olive@example.com", "olive", "Olive Owner", Set.of(UserRole.OWNER));
        User max = users.create("max@example.com", "max", "Max Member", Set.of(UserRole.MEMBER));
        users.setPasswordHash(olive.id(), Passwords.hash(PASSWORD));
        users.setPasswordHash(max.id(), Passwords.hash(PASSWORD));
    }

    @Test
    void aSignInFormSentFromAnotherSiteIsRefused() {
        int port = fleet.start("api").apiPort().orElseThrow();
        RawHttp http = new RawHttp(port);

        RawHttp.Answer foreignOrigin = signIn(http, "olive", PASSWORD, Map.of("Origin", "https://evil.example"));
        RawHttp.Answer crossSite = signIn(http, "olive", PASSWORD, Map.of("Sec-Fetch-Site", "cross-site"));
        RawHttp.Answer sameSite = signIn(
                http, "olive", PASSWORD, Map.of("Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin"));

        assertThat(foreignOrigin.status()).isEqualTo(403);
        assertThat(foreignOrigin.header("Set-Cookie")).isNull();
        assertThat(foreignOrigin.body()).contains("sent from another site");
        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(sameSite.status()).isEqualTo(303);
        assertThat(sameSite.header("Set-Cookie")).startsWith("herald_session=");
    }

    @Test
    void oneClientAddressIsThrottledWith429AndRetryAfterWhileOthersAreNot() {
        int port = fleet.start("api").apiPort().orElseThrow();
        RawHttp attacker = new RawHttp(port, "127.0.0.7");

        for (int i = 0; i < 10; i++) {
            assertThat(signIn(attacker, "nobody-" + i, "guess", Map.of()).status())
                    .as("attempt %d", i + 1)
                    .isEqualTo(401);
        }
        // The bucket refills one attempt every 6 s, so a slow machine may earn one more before the refusal.
        RawHttp.Answer throttled = signIn(attacker, "nobody-x", "guess", Map.of());
        for (int extra = 0; extra < 5 && throttled.status() == 401; extra++) {
            throttled = signIn(attacker, "nobody-x" + extra, "guess", Map.of());
        }

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 6);
        assertThat(throttled.body()).contains("Too many sign-in attempts");
        assertThat(signIn(new RawHttp(port, "127.0.0.8"), "olive", PASSWORD, Map.of())
                        .status())
                .as("another client signs in")
                .isEqualTo(303);
    }

    @Test
    void behindATrustedProxyEachForwardedClientIsThrottledOnItsOwn() {
        int port = fleet.start("api", "--proxy-trusted-headers=X-Forwarded-For", "--proxy-trusted-origins=127.0.0.0/8")
                .apiPort()
                .orElseThrow();
        RawHttp proxy = new RawHttp(port);
        Map<String, String> attacker = Map.of("X-Forwarded-For", "198.51.100.1");

        RawHttp.Answer answer = signIn(proxy, "nobody", "guess", attacker);
        for (int i = 0; i < 15 && answer.status() == 401; i++) {
            answer = signIn(proxy, "nobody-" + i, "guess", attacker);
        }

        assertThat(answer.status()).isEqualTo(429);
        assertThat(signIn(proxy, "olive", PASSWORD, Map.of("X-Forwarded-For", "198.51.100.2"))
                        .status())
                .as("another client behind the same proxy")
                .isEqualTo(303);
    }

    @Test
    void aUsernameIsThrottledAfterFiveFailuresFromAnyAddress() {
        int port = fleet.start("api").apiPort().orElseThrow();

        for (int i = 0; i < 5; i++) {
            assertThat(signIn(new RawHttp(port, "127.0.1." + (i + 1)), "olive", "wrong", Map.of())
                            .status())
                    .isEqualTo(401);
        }
        RawHttp.Answer throttled = signIn(new RawHttp(port, "127.0.1.99"), "Olive", PASSWORD, Map.of());

        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
        assertThat(signIn(new RawHttp(port, "127.0.1.100"), "max", PASSWORD, Map.of())
                        .status())
                .as("another user signs in")
                .isEqualTo(303);
    }

    @Test
    void redirectsAfterSignInStayOnTheSite() {
        RawHttp http = new RawHttp(fleet.start("api").apiPort().orElseThrow());

        assertThat(signInTo(http, "/\t/evil.example").header("Location")).isEqualTo("/settings/notifications");
        assertThat(signInTo(http, "//evil.example").header("Location")).isEqualTo("/settings/notifications");
        assertThat(signInTo(http, "/\\evil.example").header("Location")).isEqualTo("/settings/notifications");
        assertThat(signInTo(http, "/deployment/users").header("Location")).isEqualTo("/deployment/users");
        assertThat(http.get("/login?next=%2F%09%2Fevil.example", Map.of()).status())
                .as("a control character in a query is refused at the edge")
                .isEqualTo(400);
    }

    @Test
    void expiredSessionsAreDeletedWhenSomeoneSignsIn() throws Exception {
        RawHttp http = new RawHttp(fleet.start("api").apiPort().orElseThrow());
        WebSessionStore sessions = new WebSessionStore(postgres.dataSource());
        sessions.start(olive.id(), Instant.now().minus(Duration.ofDays(2)), Duration.ofHours(12));
        assertThat(expiredSessions()).isPositive();

        assertThat(signIn(http, "olive", PASSWORD, Map.of()).status()).isEqualTo(303);

        assertThat(expiredSessions()).isZero();
    }

    @Test
    void caughtMailIsForOwnersOnly() {
        RawHttp http = new RawHttp(fleet.start("api", "--dev").apiPort().orElseThrow());
        String member = cookie(signIn(http, "max", PASSWORD, Map.of()));
        String owner = cookie(signIn(http, "olive", PASSWORD, Map.of()));

        assertThat(http.get("/dev/mail", Map.of("Cookie", member)).status()).isEqualTo(403);
        assertThat(http.get("/settings/notifications", Map.of("Cookie", member)).body())
                .doesNotContain("/dev/mail");
        assertThat(http.get("/dev/mail", Map.of("Cookie", owner)).status()).isEqualTo(200);
    }

    private static int expiredSessions() throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM web_sessions WHERE expires_at <= now()")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static RawHttp.Answer signInTo(RawHttp http, String next) {
        return http.send(
                "POST",
                "/login",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                ("username=olive&password=" + encode(PASSWORD) + "&next=" + encode(next))
                        .getBytes(StandardCharsets.UTF_8));
    }

    static RawHttp.Answer signIn(RawHttp http, String username, String password, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/x-www-form-urlencoded");
        return http.send(
                "POST",
                "/login",
                all,
                ("username=" + encode(username) + "&password=" + encode(password)).getBytes(StandardCharsets.UTF_8));
    }

    static String cookie(RawHttp.Answer signedIn) {
        assertThat(signedIn.status()).isEqualTo(303);
        return signedIn.header("Set-Cookie").split(";")[0];
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
