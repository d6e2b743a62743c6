package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Coder's notification metrics, read from a running server's /metrics after one webhook failed once and was then
 * sent on its retry: every family Coder exports, under Coder's name, with its type, its labels and its buckets, so
 * that dashboards and alerts written for Coder work unchanged.
 */
class CoderMetricsTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("coder-metrics");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final TestData data = new TestData(postgres.dataSource());

    @Test
    void everyCoderFamilyIsServedWithCodersTypeLabelsAndBuckets() throws Exception {
        receiver.respond(HttpReceiver.Response.status(503));
        HeraldServer server = fleet.start(
                "producer,dispatcher-smtp,dispatcher-webhook,retry-scheduler",
                "--notifications-method=webhook",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                "--notifications-retry-interval=1s",
                "--prometheus-address=127.0.0.1:0");
        UUID user = data.user().insert();
        UUID id = data.enqueueWithRequiredLabels(SystemTemplates.TEMPLATE_DELETED, user, "{}");
        Awaitility.await(id + " is sent on its second attempt")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "sent".equals(data.messageColumn(id, "status")));
        String template = SystemTemplates.TEMPLATE_DELETED.toString();
        Map<String, String> webhookTemplate = Map.of("method", "webhook", "notification_template_id", template);

        Scrape scrape = Awaitility.await("the second outcome is written back")
                .atMost(Duration.ofSeconds(10))
                .until(
                        () -> scrape(server),
                        each -> each.value("coderd_notifications_synced_updates_total", Map.of()) >= 2);

        assertThat(scrape.types)
                .containsEntry("coderd_notifications_dispatch_attempts_total", "counter")
                .containsEntry("coderd_notifications_retry_count", "untyped")
                .containsEntry("coderd_notifications_queued_seconds", "histogram")
                .containsEntry("coderd_notifications_dispatcher_send_seconds", "histogram")
                .containsEntry("coderd_notifications_inflight_dispatches", "gauge")
                .containsEntry("coderd_notifications_pending_updates", "gauge")
                .containsEntry("coderd_notifications_synced_updates_total", "counter");

        assertThat(scrape.labelNames("coderd_notifications_dispatch_attempts_total"))
                .containsExactly("method", "notification_template_id", "result");
        assertThat(scrape.labelNames("coderd_notifications_retry_count"))
                .containsExactly("method", "notification_template_id");
        assertThat(scrape.labelNames("coderd_notifications_inflight_dispatches"))
                .containsExactly("method", "notification_template_id");
        assertThat(scrape.labelNames("coderd_notifications_queued_seconds_bucket"))
                .containsExactly("le", "method");
        assertThat(scrape.labelNames("coderd_notifications_dispatcher_send_seconds_bucket"))
                .containsExactly("le", "method");
        assertThat(scrape.labelNames("coderd_notifications_pending_updates")).isEmpty();
        assertThat(scrape.labelNames("coderd_notifications_synced_updates_total"))
                .isEmpty();

        assertThat(scrape.buckets("coderd_notifications_queued_seconds"))
                .containsExactly(
                        1.0,
                        2.5,
                        5.0,
                        7.5,
                        10.0,
                        15.0,
                        20.0,
                        30.0,
                        60.0,
                        120.0,
                        300.0,
                        600.0,
                        3600.0,
                        Double.POSITIVE_INFINITY);
        assertThat(scrape.buckets("coderd_notifications_dispatcher_send_seconds"))
                .containsExactly(
                        0.001, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, Double.POSITIVE_INFINITY);

        // Coder's meanings: one attempt per result, a retry counted when the second attempt is dispatched, the
        // method label the message's own, nothing in flight or unwritten once the message is sent.
        assertThat(scrape.value("coderd_notifications_dispatch_attempts_total", with(webhookTemplate, "temp_fail")))
                .isEqualTo(1);
        assertThat(scrape.value("coderd_notifications_dispatch_attempts_total", with(webhookTemplate, "success")))
                .isEqualTo(1);
        assertThat(scrape.value("coderd_notifications_retry_count", webhookTemplate))
                .isEqualTo(1);
        assertThat(scrape.value("coderd_notifications_inflight_dispatches", webhookTemplate))
                .isZero();
        assertThat(scrape.value("coderd_notifications_queued_seconds_count", Map.of("method", "webhook")))
                .isEqualTo(2);
        assertThat(scrape.value("coderd_notifications_dispatcher_send_seconds_count", Map.of("method", "webhook")))
                .isEqualTo(2);
        assertThat(scrape.value("coderd_notifications_pending_updates", Map.of()))
                .isZero();
        assertThat(scrape.has("coderd_notifications_dispatch_attempts_total", Map.of("method", "smtp")))
                .as("no attempt by email was made")
                .isFalse();
        assertThat(scrape.types)
                .as("Herald's own metrics keep their prefix")
                .containsKey("herald_notifications_consumer_lag")
                .doesNotContainKey("herald_notifications_dispatch_attempts_total");
    }

    private static Map<String, String> with(Map<String, String> labels, String result) {
        Map<String, String> all = new HashMap<>(labels);
        all.put("result", result);
        return all;
    }

    private static Scrape scrape(HeraldServer server) throws Exception {
        String text = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                        + server.metricsPort().orElseThrow() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return Scrape.parse(text);
    }

    /** The Prometheus text format, read back: each family's type and each sample's name, labels and value. */
    private record Scrape(Map<String, String> types, List<Sample> samples) {

        record Sample(String name, Map<String, String> labels, double value) {}

        static Scrape parse(String text) {
            Map<String, String> types = new HashMap<>();
            List<Sample> samples = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    types.put(parts[2], parts[3]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    Matcher sample = SAMPLE.matcher(line);
                    assertThat(sample.matches()).as(line).isTrue();
                    Map<String, String> labels = new HashMap<>();
                    if (sample.group(2) != null) {
                        Matcher label = LABEL.matcher(sample.group(2));
                        while (label.find()) {
                            labels.put(label.group(1), label.group(2));
                        }
                    }
                    samples.add(new Sample(sample.group(1), labels, number(sample.group(3))));
                }
            }
            return new Scrape(types, samples);
        }

        Set<String> labelNames(String name) {
            Set<String> names = new TreeSet<>();
            samples.stream()
                    .filter(sample -> sample.name().equals(name))
                    .forEach(sample -> names.addAll(sample.labels().keySet()));
            return names;
        }

        List<Double> buckets(String histogram) {
            return samples.stream()
                    .filter(sample -> sample.name().equals(histogram + "_bucket"))
                    .filter(sample -> "webhook".equals(sample.labels().get("method")))
                    .map(sample -> number(sample.labels().get("le")))
                    .toList();
        }

        boolean has(String name, Map<String, String> someLabels) {
            return samples.stream()
                    .anyMatch(sample -> sample.name().equals(name)
                            && sample.labels().entrySet().containsAll(someLabels.entrySet()));
        }

        double value(String name, Map<String, String> labels) {
            return samples.stream()
                    .filter(sample ->
                            sample.name().equals(name) && sample.labels().equals(labels))
                    .mapToDouble(Sample::value)
                    .findFirst()
                    .orElse(Double.NaN);
        }

        private static double number(String text) {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        }
    }
}
