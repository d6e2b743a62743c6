package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v2/fleet} on a split deployment: the processes and their roles, the webhook group's two members
 * sharing its partitions, a member SIGKILLed disappearing with its partitions moving, and a warning once nobody
 * consumes what waits.
 */
class FleetViewTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("fleet");

    private static final PostgresExtension postgres = fleet.postgres();

    @Test
    void aSplitDeploymentIsShownAsItIsAndAsItChanges() throws Exception {
        String[] webhook = {
            "--notifications-method=webhook",
            "--notifications-webhook-endpoint=" + fleet.receiver().url("/hook")
        };
        HeraldServer control = fleet.start("producer,retry-scheduler,api", webhook);
        HeraldServer survivor = fleet.start("dispatcher-webhook", webhook);
        ChildJvm doomed = fleet.startProcess("dispatcher-webhook", webhook);
        ApiClient api = new ApiClient(control.apiPort().orElseThrow());
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("owner@example.com", "owner", "", Set.of(UserRole.OWNER));
        User member = users.create("member@example.com", "member", "", Set.of(UserRole.MEMBER));
        String ownerKey = users.createKey(owner.id(), "test", Instant.now(), Duration.ofDays(1));
        String memberKey = users.createKey(member.id(), "test", Instant.now(), Duration.ofDays(1));

        assertThat(api.get("/api/v2/fleet", memberKey).status()).isEqualTo(403);
        Awaitility.await("three processes, two webhook dispatchers sharing the partitions")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    JsonNode view = api.get("/api/v2/fleet", ownerKey).json();
                    return view.path("processes").size() == 3
                            && members(view, "webhook").size() == 2
                            && members(view, "webhook").stream().allMatch(partitions -> partitions.size() == 1)
                            && view.path("relay").path("state").asText().equals("streaming")
                            && view.path("schedulers")
                                    .path(0)
                                    .path("state")
                                    .asText()
                                    .equals("running")
                            && view.path("reconciler").path("last_pass_at").isTextual();
                });
        JsonNode view = api.get("/api/v2/fleet", ownerKey).json();
        List<String> roles = new ArrayList<>();
        view.path("processes")
                .forEach(process -> roles.add(process.path("roles").toString()));
        assertThat(roles)
                .containsExactlyInAnyOrder(
                        "[\"api\",\"producer\",\"retry-scheduler\"]",
                        "[\"dispatcher-webhook\"]",
                        "[\"dispatcher-webhook\"]");
        assertThat(view.path("processes").get(0).path("pid").asLong()).isPositive();
        assertThat(group(view, "webhook").path("group").asText())
                .isEqualTo(fleet.dispatcherGroup(NotificationMethod.WEBHOOK));
        assertThat(group(view, "webhook").path("partitions")).hasSize(2);
        assertThat(view.path("queues")).hasSize(3);
        assertThat(view.path("warnings")).as(view.toPrettyString()).isEmpty();
        String controlId = processWithRole(view, "producer");
        JsonNode relay = view.path("relay");
        assertThat(relay.path("active_process").asText())
                .as("the relay runs in the control process")
                .isEqualTo(controlId);
        assertThat(relay.path("slot").asText()).isEqualTo(fleet.topicPrefix());
        assertThat(relay.path("slot_exists").asBoolean()).isTrue();
        assertThat(relay.path("slot_active").asBoolean()).isTrue();
        assertThat(relay.path("slot_lag_bytes").asLong()).isNotNegative();
        JsonNode scheduler = view.path("schedulers").get(0);
        assertThat(scheduler.path("process").asText()).isEqualTo(controlId);
        assertThat(scheduler.path("partitions"))
                .as("it holds every retry partition")
                .isNotEmpty();
        assertThat(scheduler.path("timers_pending").asLong()).isZero();
        assertThat(view.path("reconciler").path("active_process").asText()).isEqualTo(controlId);
        assertThat(view.path("reconciler").path("redriven").path("pending").asInt())
                .isZero();
        List<String> dispatcherIds = new ArrayList<>();
        view.path("processes").forEach(process -> {
            if (!process.path("id").asText().equals(controlId)) {
                dispatcherIds.add(process.path("id").asText());
            }
        });
        assertThat(memberProcesses(view, "webhook"))
                .as("each member is linked to its own registered process")
                .containsExactlyInAnyOrderElementsOf(dispatcherIds);

        UUID recipient = new TestData(postgres.dataSource()).user().insert();
        new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, recipient, "{\"name\": \"first\", \"initiator\": \"ops\"}");
        Awaitility.await("the relay says when it last relayed")
                .atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v2/fleet", ownerKey)
                        .json()
                        .path("relay")
                        .path("last_relayed_at")
                        .isTextual());
        String cookie = new WebSessionStore(postgres.dataSource())
                .start(owner.id(), Instant.now(), Duration.ofHours(1))
                .cookie();
        String page = page(control.apiPort().orElseThrow(), "/deployment/fleet", cookie);
        assertThat(page)
                .as("the fleet page shows the same")
                .contains("Nothing needs attention.")
                .contains(controlId.substring(0, 8) + " on ")
                .contains("streaming")
                .contains(fleet.topicPrefix())
                .contains(", pid ")
                .contains("data-refresh=\"/deployment/fleet?fragment=1\"");
        String fragment = page(control.apiPort().orElseThrow(), "/deployment/fleet?fragment=1", cookie);
        assertThat(fragment)
                .as("the part the page refreshes")
                .doesNotContain("<html")
                .contains("Dispatcher groups");
        String table =
                herald("fleet", "--url", "http://127.0.0.1:" + control.apiPort().orElseThrow(), "--token", ownerKey);
        assertThat(table)
                .as("herald fleet prints the same as tables")
                .contains("ROLES")
                .contains("api,producer,retry-scheduler")
                .contains(fleet.dispatcherGroup(NotificationMethod.WEBHOOK))
                .contains("LAG")
                .contains("RELAY SLOT")
                .contains("streaming")
                .contains("RETRY SCHEDULER")
                .contains("RECONCILER")
                .contains("Nothing needs attention.");
        assertThat(new ObjectMapper()
                        .readTree(herald(
                                "fleet",
                                "--json",
                                "--url",
                                "http://127.0.0.1:" + control.apiPort().orElseThrow(),
                                "--token",
                                ownerKey))
                        .path("processes"))
                .hasSize(3);

        doomed.kill();
        Awaitility.await("the killed process is gone and its partition moved to the survivor")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    JsonNode now = api.get("/api/v2/fleet", ownerKey).json();
                    return now.path("processes").size() == 2
                            && members(now, "webhook").equals(List.of(List.of(0, 1)));
                });
        JsonNode after = api.get("/api/v2/fleet", ownerKey).json();
        String survivorId = memberProcesses(after, "webhook").getFirst();
        assertThat(dispatcherIds).contains(survivorId);
        assertThat(after.path("processes").toString())
                .as("the survivor is still registered, the killed process is not")
                .contains(survivorId);

        fleet.stop(survivor);
        UUID user = new TestData(postgres.dataSource()).user().insert();
        new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ops\"}");
        Awaitility.await("a warning that nobody consumes the webhook topic")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> api.get("/api/v2/fleet", ownerKey)
                        .json()
                        .path("warnings")
                        .toString()
                        .contains("no dispatcher-webhook is running"));
    }

    private static String processWithRole(JsonNode view, String role) {
        for (JsonNode process : view.path("processes")) {
            for (JsonNode each : process.path("roles")) {
                if (each.asText().equals(role)) {
                    return process.path("id").asText();
                }
            }
        }
        throw new AssertionError("no process runs " + role + " in " + view);
    }

    /** The registered process of each member of a method's group. */
    private static List<String> memberProcesses(JsonNode view, String method) {
        List<String> ids = new ArrayList<>();
        group(view, method)
                .path("members")
                .forEach(member -> ids.add(member.path("process_id").asText()));
        return ids;
    }

    private static String page(int port, String path, String cookie) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Cookie", WebSessionStore.COOKIE + "=" + cookie)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static JsonNode group(JsonNode view, String method) {
        for (JsonNode group : view.path("groups")) {
            if (group.path("method").asText().equals(method)) {
                return group;
            }
        }
        throw new AssertionError("no " + method + " group in " + view);
    }

    /** Each member's partitions. */
    private static List<List<Integer>> members(JsonNode view, String method) {
        List<List<Integer>> members = new ArrayList<>();
        for (JsonNode member : group(view, method).path("members")) {
            List<Integer> partitions = new ArrayList<>();
            member.path("partitions").forEach(partition -> partitions.add(partition.asInt()));
            members.add(partitions);
        }
        return members;
    }

    private static String herald(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Herald.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).as("herald %s", String.join(" ", args)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
