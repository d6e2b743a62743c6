package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * The dashboard and the alert rules under deploy/ speak of metrics a running Herald serves: every name they use is
 * checked against a live {@code /metrics}, and every alert says how bad it is and where its runbook is.
 */
class DeployArtifactsTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("deploy");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();
    private static final Path ROOT = Path.of("..");
    private static final Pattern METRIC = Pattern.compile("\\b(?:herald|coderd)_[a-zA-Z0-9_]+");

    private static Set<String> served;

    @BeforeAll
    static void scrapeALiveServer() throws Exception {
        HeraldServer server = fleet.start(
                "producer,dispatcher-webhook,dispatcher-inbox,retry-scheduler",
                "--notifications-method=webhook",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                "--notifications-inbox-enabled=true",
                "--prometheus-address=127.0.0.1:0");
        var user = new TestData(postgres.dataSource()).user().insert();
        new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"t\", \"initiator\": \"ops\"}");
        Awaitility.await("the webhook arrives")
                .atMost(Duration.ofSeconds(60))
                .until(() -> !receiver.requests().isEmpty());
        String metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + server.metricsPort().orElseThrow() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        served = seriesNames(metrics);
    }

    @Test
    void everyMetricTheAlertRulesUseIsServed() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/alerts.yml")));
        List<Map<String, Object>> alerts = new ArrayList<>();
        for (Object group : list(rules.get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                alerts.add(map(rule));
            }
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(8);
        String operations = Files.readString(ROOT.resolve("docs/operations.md"));
        for (Map<String, Object> alert : alerts) {
            String name = (String) alert.get("alert");
            String expr = (String) alert.get("expr");
            assertThat(metricsIn(expr)).as("%s uses metrics", name).isNotEmpty();
            assertThat(served).as("the metrics of %s: %s", name, expr).containsAll(metricsIn(expr));
            assertThat(alert).as(name).containsKey("for");
            assertThat(map(alert.get("labels")).get("severity")).as(name).isIn("warning", "critical");
            Map<String, Object> annotations = map(alert.get("annotations"));
            assertThat(annotations).as(name).containsKeys("summary", "description", "runbook");
            String runbook = (String) annotations.get("runbook");
            assertThat(runbook).startsWith("docs/operations.md#");
            assertThat(anchors(operations))
                    .as("%s's runbook section exists", name)
                    .contains(runbook.substring(runbook.indexOf('#') + 1));
        }
    }

    @Test
    void everyMetricTheDashboardUsesIsServed() throws Exception {
        JsonNode dashboard = new ObjectMapper()
                .readTree(ROOT.resolve("deploy/grafana/herald.json").toFile());
        assertThat(dashboard.path("templating").path("list").get(0).path("type").asText())
                .as("the data source is chosen on import")
                .isEqualTo("datasource");
        assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(12);
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(metricsIn(expr)).as(expr).isNotEmpty();
                assertThat(served)
                        .as("%s: %s", panel.path("title").asText(), expr)
                        .containsAll(metricsIn(expr));
                used.addAll(metricsIn(expr));
            }
        }
        assertThat(used)
                .as("the issue's list: throughput, send time, queued time, in-flight, lag, slot lag, relay state,"
                        + " retries, permanent failures")
                .contains(
                        "coderd_notifications_dispatch_attempts_total",
                        "coderd_notifications_dispatcher_send_seconds_bucket",
                        "herald_notifications_queued_seconds",
                        "coderd_notifications_inflight_dispatches",
                        "herald_notifications_consumer_lag",
                        "herald_relay_slot_lag_bytes",
                        "herald_relay_state",
                        "coderd_notifications_retry_count");
    }

    /** Every series name a scrape holds, histogram and summary parts included. */
    private static Set<String> seriesNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /** The anchors GitHub gives a Markdown file's headings. */
    private static Set<String> anchors(String markdown) {
        Set<String> anchors = new TreeSet<>();
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^a-z0-9 -]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}
