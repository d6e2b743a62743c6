package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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

/** The admin commands against a running API, as an operator types them. */
class AdminCliTest {

    private static final Pattern KEY = Pattern.compile("API key \\(shown once\\): (\\S+)");

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("cli");

    private static final PostgresExtension postgres = fleet.postgres();

    private static String url;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void start() {
        HeraldServer server = fleet.start("api");
        url = "http://127.0.0.1:" + server.apiPort().orElseThrow();
    }

    @Test
    void anOperatorBootstrapsAnOwnerAndRunsTheDeployment() {
        Result created = herald(
                "users",
                "create",
                "--postgres-url",
                postgresUrl(),
                "--email",
                "ops@example.com",
                "--username",
                "ops",
                "--roles",
                "owner");
        assertThat(created.code()).as(created.err()).isZero();
        Matcher key = KEY.matcher(created.out());
        assertThat(key.find()).as(created.out()).isTrue();
        String token = key.group(1);

        assertThat(api(token, "notifications", "pause").out()).contains("Notifications paused.");
        assertThat(api(token, "notifications", "pause").out()).contains("already paused");
        assertThat(api(token, "notifications", "resume").out()).contains("Notifications resumed.");
        assertThat(api(token, "notifications", "test").out()).contains("Test notification enqueued");
        assertThat(api(token, "notifications", "custom", "Deploy", "v2 is out").out())
                .contains("Custom notification enqueued");

        Result member = api(token, "users", "create", "--email", "ada@example.com", "--username", "ada");
        assertThat(member.out()).contains("Created user ada").contains("API key (shown once):");
        assertThat(api(token, "users", "list").out())
                .contains("ada")
                .contains("ops")
                .contains("owner");

        Result enqueued = api(
                token,
                "enqueue",
                "--template",
                SystemTemplates.WORKSPACE_DELETED.toString(),
                "--user",
                "ada",
                "--label",
                "name=dev",
                "--label",
                "reason=idle",
                "--label",
                "initiator=ops");
        assertThat(enqueued.code()).as(enqueued.err()).isZero();
        assertThat(enqueued.out()).startsWith("Enqueued: ");
        UUID id =
                UUID.fromString(enqueued.out().substring("Enqueued: ".length()).strip());

        postgres.execute("UPDATE notification_messages SET status = 'permanent_failure', status_reason = 'HTTP 410'"
                + " WHERE id = '" + id + "'");
        Result listed = api(token, "messages", "list", "--status", "permanent_failure");
        assertThat(listed.out()).contains(id.toString()).contains("HTTP 410").contains("Workspace Deleted");
        assertThat(api(token, "messages", "retry", id.toString()).out()).contains("re-driven");
        assertThat(new TestData(postgres.dataSource()).messageColumn(id, "status"))
                .isEqualTo("temporary_failure");
    }

    @Test
    void anOperatorSuspendsActivatesAndDeletesUsersAndRevokesKeys() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User admin = users.create("root@example.com", "root", "", Set.of(UserRole.OWNER));
        String token = users.createKey(admin.id(), "cli", Instant.now(), Duration.ofDays(1));
        Result created = api(token, "users", "create", "--email", "bea@example.com", "--username", "bea");
        Matcher key = KEY.matcher(created.out());
        assertThat(key.find()).as(created.out()).isTrue();
        String beaKey = key.group(1);

        assertThat(api(token, "users", "suspend", "bea").out()).contains("User bea is suspended.");
        assertThat(api(beaKey, "users", "list").err()).contains("HTTP 401");
        assertThat(api(token, "users", "activate", "bea").out()).contains("User bea is active.");

        Result keys = api(token, "users", "keys", "bea");
        String keyId = beaKey.substring(0, beaKey.indexOf('-'));
        assertThat(keys.out()).contains("LAST USED").contains(keyId).contains("cli");
        assertThat(api(token, "users", "revoke-key", "bea", keyId).out()).contains("API key " + keyId + " is revoked.");
        assertThat(api(token, "users", "keys", "bea").out()).doesNotContain(keyId);

        assertThat(api(token, "users", "delete", "bea").out()).contains("bea has been deleted");
        assertThat(users.find("bea")).isEmpty();
        Result refused = api(token, "users", "delete", "root");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("cannot delete yourself");
    }

    @Test
    void refusalsAreExplainedNotThrown() {
        Result noToken = herald("notifications", "pause", "--url", url);
        assertThat(noToken.code()).isEqualTo(1);
        assertThat(noToken.err()).contains("No API key");

        Result badToken = api("abc-def", "notifications", "pause");
        assertThat(badToken.code()).isEqualTo(1);
        assertThat(badToken.err()).contains("HTTP 401").doesNotContain("Exception");

        Result unreachable = herald("notifications", "test", "--url", "http://127.0.0.1:1", "--token", "abc-def");
        assertThat(unreachable.err()).contains("Cannot reach Herald");

        Result badEnqueue = api("abc-def", "enqueue", "--user", "x");
        assertThat(badEnqueue.code()).isEqualTo(2);
        assertThat(badEnqueue.err()).contains("--template");
    }

    private static Result api(String token, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token", token));
        return herald(all.toArray(String[]::new));
    }

    private static Result herald(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Herald.run(
                args,
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String postgresUrl() {
        return "postgres://" + postgres.user() + ":" + postgres.password() + "@" + postgres.host() + ":"
                + postgres.port() + "/" + postgres.databaseName();
    }
}
