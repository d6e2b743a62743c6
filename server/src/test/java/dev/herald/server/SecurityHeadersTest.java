package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HostPort;
import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.health.ProbeServer;
import dev.herald.server.health.Probes;
import dev.herald.testing.PostgresExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every kind of response carries the security headers: API answers, pages, errors, redirects and probes. */
class SecurityHeadersTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("headers");

    private static final PostgresExtension postgres = fleet.postgres();

    private static RawHttp https;
    private static RawHttp http;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("olive@example.com", "olive", "Olive Owner", Set.of(UserRole.OWNER));
        users.setPasswordHash(owner.id(), Passwords.hash("correct horse battery"));
        key = users.createKey(owner.id(), "headers", Instant.now(), Duration.ofDays(1));
        https = new RawHttp(fleet.start("api", "--access-url=https://herald.example.com")
                .apiPort()
                .orElseThrow());
        http = new RawHttp(fleet.start("api").apiPort().orElseThrow());
    }

    @Test
    void everyKindOfResponseCarriesTheHeaders() {
        String session = SignInTest.cookie(SignInTest.signIn(https, "olive", "correct horse battery", Map.of()));
        List<RawHttp.Answer> answers = List.of(
                https.get("/api/v2/users/me", Map.of("Coder-Session-Token", key)),
                https.get("/api/v2/users/me", Map.of()),
                https.get("/api/v2/no-such-endpoint", Map.of("Coder-Session-Token", key)),
                https.send(
                        "PUT",
                        "/api/v2/notifications/settings",
                        Map.of("Coder-Session-Token", key, "Content-Type", "application/json"),
                        "null".getBytes()),
                https.get("/api/v2/openapi.json", Map.of()),
                https.get("/login", Map.of()),
                https.get("/", Map.of()),
                https.get("/settings/notifications", Map.of()),
                https.get("/settings/notifications", Map.of("Cookie", session)),
                https.get("/deployment/notifications/messages/not-an-id", Map.of("Cookie", session)),
                SignInTest.signIn(https, "olive", "wrong", Map.of()),
                https.get("/readyz", Map.of()),
                https.get("/healthz", Map.of()));

        assertThat(answers).extracting(RawHttp.Answer::status).contains(200, 303, 400, 401, 404);
        for (RawHttp.Answer answer : answers) {
            assertThat(answer.header("Content-Security-Policy"))
                    .as("CSP on a %d", answer.status())
                    .contains("frame-ancestors 'none'", "default-src 'self'");
            assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(answer.header("Referrer-Policy")).isEqualTo("same-origin");
            assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
            assertThat(answer.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        }
    }

    @Test
    void assetsMayBeCachedAndPlainHttpGetsNoHsts() {
        RawHttp.Answer stylesheet = http.get("/web/herald.css", Map.of());
        RawHttp.Answer page = http.get("/login", Map.of());

        assertThat(stylesheet.header("Cache-Control")).isEqualTo("public, max-age=3600");
        assertThat(stylesheet.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(page.header("Strict-Transport-Security")).isNull();
        assertThat(page.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }

    @Test
    void theProbesOfAWorkerWithoutTheApiCarryThemToo() {
        try (ProbeServer probes =
                ProbeServer.start(new Probes(postgres.dataSource(), List::of), new HostPort("127.0.0.1", 0))) {
            RawHttp.Answer ready = new RawHttp(probes.port()).get("/readyz", Map.of());

            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
            assertThat(ready.header("X-Content-Type-Options")).isEqualTo("nosniff");
        }
    }
}
