package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Processes killed with SIGKILL at the worst moments; every message is still delivered. */
class CrashRecoveryTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("crash");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();

    private final TestData data = new TestData(postgres.dataSource());
    private UUID user;

    @BeforeEach
    void setUp() {
        postgres.execute("TRUNCATE notification_messages");
        user = data.user().insert();
    }

    @Test
    void aDispatcherKilledWithSendsInFlightIsReplacedAndEveryMessageIsDelivered() {
        // Slow answers keep the first dispatcher's sends in flight when it dies.
        receiver.respondByDefault(HttpReceiver.Response.status(200).after(Duration.ofSeconds(20)));
        String[] timing = webhook(
                "--notifications-lease-period=10s",
                "--notifications-dispatch-timeout=8s",
                "--notifications-max-inflight-sends=8",
                "--notifications-fetch-interval=500ms",
                "--reconciler-grace=1s");
        fleet.start("producer", timing);
        ChildJvm doomed = fleet.startProcess("dispatcher-webhook", timing);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(data.enqueue(SystemTemplates.TEST_NOTIFICATION, user, "{\"n\": \"" + i + "\"}"));
        }
        Awaitility.await("sends are in flight")
                .atMost(Duration.ofSeconds(60))
                .until(() -> receiver.requests().size() >= 8);

        doomed.kill();
        int inFlightAtTheKill = receiver.requests().size();
        receiver.respondByDefault(HttpReceiver.Response.status(200));
        fleet.start("dispatcher-webhook,retry-scheduler", timing);

        Awaitility.await("every message is sent")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> count("status = 'sent'") == ids.size());
        Map<String, Long> deliveries = receiver.requests().stream()
                .collect(Collectors.groupingBy(request -> request.header("x-message-id"), Collectors.counting()));
        assertThat(deliveries.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        ids.stream().map(UUID::toString).toList());
        long duplicates = deliveries.values().stream().mapToLong(n -> n - 1).sum();
        System.out.printf(
                "dispatcher killed with %d sends in flight: %d messages delivered, %d duplicate deliveries%n",
                inFlightAtTheKill, ids.size(), duplicates);
        assertThat(duplicates).as("only sends in flight at the kill can repeat").isLessThanOrEqualTo(inFlightAtTheKill);
    }

    @Test
    void rowsOfOneCopyAreAllDeliveredWhenTheRelayIsKilledRightAfter() throws Exception {
        String[] timing = webhook("--notifications-fetch-interval=1s", "--reconciler-grace=3s");
        ChildJvm relay = fleet.startProcess("producer", timing);
        List<UUID> ids = copyRows(1_000);
        relay.kill();

        HeraldServer recovered = fleet.start("producer,dispatcher-webhook,retry-scheduler", timing);

        Awaitility.await("all 1000 rows are sent")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> count("status = 'sent'") == ids.size());
        Set<String> delivered = receiver.requests().stream()
                .map(request -> request.header("x-message-id"))
                .collect(Collectors.toSet());
        assertThat(delivered).containsAll(ids.stream().map(UUID::toString).toList());
        long redriven = recovered
                .resources()
                .registry()
                .counter("herald_reconciler_redriven_total.pending")
                .getCount();
        System.out.printf(
                "COPY of %d rows, relay killed right after: all delivered; the reconciler re-drove %d pending rows,"
                        + " %d duplicate deliveries%n",
                ids.size(), redriven, receiver.requests().size() - delivered.size());
    }

    private String[] webhook(String... extra) {
        List<String> flags = new ArrayList<>(
                List.of("--notifications-method=webhook", "--notifications-webhook-endpoint=" + receiver.url("/hook")));
        flags.addAll(List.of(extra));
        return flags.toArray(String[]::new);
    }

    /** One COPY statement; the payload is a real one with a counter added, so that no two rows share a hash. */
    private List<UUID> copyRows(int count) throws Exception {
        UUID model = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");
        String payload = data.messageColumn(model, "payload");
        postgres.execute("DELETE FROM notification_messages WHERE id = '" + model + "'");
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add("{\"copy_n\": " + i + ", " + payload.substring(1));
        }
        return data.copyMessages(SystemTemplates.TEST_NOTIFICATION, user, "webhook", payloads);
    }

    private long count(String condition) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT count(*) FROM notification_messages WHERE " + condition);
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
