package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.token.TopicNames;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries through the whole fleet: dispatcher, retry topic, Kafka Streams timers, reconciler. */
class RetryEndToEndTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("retries");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final KafkaExtension kafka = fleet.kafka();
    private static final HttpReceiver receiver = fleet.receiver();

    private final TestData data = new TestData(postgres.dataSource());
    private UUID user;

    @BeforeEach
    void setUp() {
        user = data.user().insert();
    }

    @Test
    void aWebhookAnswering500TwiceIsSentOnTheThirdAttemptAndNeverSoonerThanTheRetryInterval() {
        receiver.respond(HttpReceiver.Response.status(500), HttpReceiver.Response.status(500));
        fleet.start("producer,dispatcher-webhook,retry-scheduler", webhook("--notifications-retry-interval=2s"));

        UUID id = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");

        awaitStatus(id, "sent", Duration.ofSeconds(60));
        assertThat(data.messageColumn(id, "attempt_count")).isEqualTo("3");
        List<HttpReceiver.Request> attempts = requestsFor(id);
        assertThat(attempts).hasSize(3);
        for (int i = 1; i < attempts.size(); i++) {
            assertThat(Duration.between(
                            attempts.get(i - 1).receivedAt(), attempts.get(i).receivedAt()))
                    .as("retry %d waited the retry interval after the failure", i)
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        }
    }

    @Test
    void aMessageThatAlwaysFailsEndsAsAPermanentFailureAfterExactlyTheMaximumAttempts() throws Exception {
        receiver.respondByDefault(HttpReceiver.Response.status(500).withBody("upstream exploded"));
        fleet.start(
                "producer,dispatcher-webhook,retry-scheduler",
                webhook("--notifications-retry-interval=1s", "--notifications-max-send-attempts=3"));

        UUID id = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");

        awaitStatus(id, "permanent_failure", Duration.ofSeconds(60));
        assertThat(data.messageColumn(id, "attempt_count")).isEqualTo("3");
        assertThat(data.messageColumn(id, "status_reason"))
                .contains("gave up after 3 attempts")
                .contains("500")
                .contains("upstream exploded");
        TopicNames topics = new TopicNames(fleet.topicPrefix());
        // Both retry tokens forwarded, and all three work tokens consumed: nothing is left that could send again.
        fleet.awaitConsumed(fleet.schedulerGroup(), topics.retry(), 2);
        fleet.awaitConsumed(
                fleet.dispatcherGroup(NotificationMethod.WEBHOOK), topics.forMethod(NotificationMethod.WEBHOOK), 3);
        assertThat(requestsFor(id)).as("no fourth attempt").hasSize(3);
    }

    @Test
    void lostRetryTokensAreRedrivenByTheReconciler() throws Exception {
        receiver.respond(HttpReceiver.Response.status(503));
        fleet.start("producer,dispatcher-webhook", webhook("--notifications-retry-interval=1s"));
        UUID id = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");
        awaitStatus(id, "temporary_failure", Duration.ofSeconds(60));
        String retryTopic = new TopicNames(fleet.topicPrefix()).retry();
        Awaitility.await("the retry token is written")
                .atMost(Duration.ofSeconds(30))
                .until(() -> endOffsets(retryTopic).values().stream()
                                .mapToLong(Long::longValue)
                                .sum()
                        > 0);

        deleteAllRecords(retryTopic);
        HeraldServer scheduler = fleet.start(
                "retry-scheduler", webhook("--notifications-fetch-interval=500ms", "--reconciler-grace=1s"));

        awaitStatus(id, "sent", Duration.ofSeconds(60));
        assertThat(data.messageColumn(id, "attempt_count")).isEqualTo("2");
        assertThat(scheduler
                        .resources()
                        .registry()
                        .counter("herald_reconciler_redriven_total.retry_overdue")
                        .getCount())
                .isGreaterThanOrEqualTo(1);
    }

    private String[] webhook(String... extra) {
        List<String> flags = new java.util.ArrayList<>(
                List.of("--notifications-method=webhook", "--notifications-webhook-endpoint=" + receiver.url("/hook")));
        flags.addAll(List.of(extra));
        return flags.toArray(String[]::new);
    }

    private void awaitStatus(UUID id, String status, Duration timeout) {
        Awaitility.await(id + " becomes " + status)
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> status.equals(data.messageColumn(id, "status")));
    }

    private static List<HttpReceiver.Request> requestsFor(UUID id) {
        return receiver.requests().stream()
                .filter(request -> id.toString().equals(request.header("x-message-id")))
                .toList();
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int partition = 0; partition < 2; partition++) {
            latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        kafka.admin().listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    /** Simulates lost tokens: every record of the topic so far is deleted. */
    private static void deleteAllRecords(String topic) throws Exception {
        Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
        endOffsets(topic).forEach((partition, end) -> deletions.put(partition, RecordsToDelete.beforeOffset(end)));
        kafka.admin().deleteRecords(deletions).all().get();
    }
}
