package dev.herald.producer.relay;

import static dev.herald.producer.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TopicNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Relays in child processes, killed with SIGKILL mid-stream. What must hold: no id is lost; duplicates are allowed
 * (at-least-once) and reported.
 */
class RelayCrashTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private String prefix;
    private String slot;
    private UUID user;

    @BeforeEach
    void setUp() {
        prefix = kafka.uniquePrefix("crash");
        slot = uniqueSlot();
        routeTemplateDeletedToWebhook(postgres);
        user = new TestData(postgres.dataSource()).user().insert();
    }

    @Test
    void aRelayKilledMidStreamAndRestartedLosesNothing() throws Exception {
        Map<UUID, NotificationMethod> ids = new ConcurrentHashMap<>();
        try (TokenCollector collector = new TokenCollector(kafka, new TopicNames(prefix));
                ChildJvm first =
                        RelayProcess.start("killed-mid-stream-1", postgres, kafka.bootstrapServers(), prefix, slot)) {
            first.awaitLine("STREAMING", Duration.ofSeconds(60));
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeInBatches(ids, "crash", 40, 100));
            org.awaitility.Awaitility.await("the relay to be mid-stream")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> collector.distinct() >= 1_000);
            first.kill();
            int seenAtKill = collector.distinct();

            try (ChildJvm second =
                    RelayProcess.start("killed-mid-stream-2", postgres, kafka.bootstrapServers(), prefix, slot)) {
                second.awaitLine("STREAMING", Duration.ofSeconds(60));
                writer.get();
                collector.awaitAll(ids.keySet(), Duration.ofSeconds(60));
                System.out.printf(
                        "relay killed after %d of %d tokens; after the restart: %d ids, none missing,"
                                + " %d duplicates%n",
                        seenAtKill, ids.size(), collector.distinct(), collector.duplicates());
                assertThat(collector.missing(ids.keySet())).isEmpty();
            }
        }
    }

    @Test
    void theStandbyTakesOverWhenTheActiveRelayIsKilled() throws Exception {
        Map<UUID, NotificationMethod> ids = new ConcurrentHashMap<>();
        try (TokenCollector collector = new TokenCollector(kafka, new TopicNames(prefix));
                ChildJvm a = RelayProcess.start("pair-a", postgres, kafka.bootstrapServers(), prefix, slot);
                ChildJvm b = RelayProcess.start("pair-b", postgres, kafka.bootstrapServers(), prefix, slot)) {
            org.awaitility.Awaitility.await("one relay to stream")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> a.printed("STREAMING") || b.printed("STREAMING"));
            ChildJvm active = a.printed("STREAMING") ? a : b;
            ChildJvm standby = active == a ? b : a;
            assertThat(standby.printed("LEADER")).as("only one relay leads").isFalse();

            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> writeInBatches(ids, "pair", 30, 100));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> collector.distinct() >= 500);
            active.kill();

            standby.awaitLine("STREAMING", Duration.ofSeconds(30));
            writer.get();
            collector.awaitAll(ids.keySet(), Duration.ofSeconds(60));
            System.out.printf(
                    "standby took over; %d ids, none missing, %d duplicates%n", ids.size(), collector.duplicates());
            assertThat(collector.missing(ids.keySet())).isEmpty();
        }
    }

    @Test
    void aGracefulStopReplaysNothing() throws Exception {
        Map<UUID, NotificationMethod> ids = new ConcurrentHashMap<>();
        try (TokenCollector collector = new TokenCollector(kafka, new TopicNames(prefix))) {
            try (ChildJvm first = RelayProcess.start("graceful-1", postgres, kafka.bootstrapServers(), prefix, slot)) {
                first.awaitLine("STREAMING", Duration.ofSeconds(60));
                writeInBatches(ids, "graceful-a", 5, 100);
                collector.awaitAll(ids.keySet(), Duration.ofSeconds(30));
                first.stop();
                assertThat(first.printed("STOPPED")).isTrue();
            }
            writeInBatches(ids, "graceful-b", 5, 100);
            try (ChildJvm second = RelayProcess.start("graceful-2", postgres, kafka.bootstrapServers(), prefix, slot)) {
                second.awaitLine("STREAMING", Duration.ofSeconds(60));
                collector.awaitAll(ids.keySet(), Duration.ofSeconds(30));
            }
            assertThat(collector.duplicates()).isZero();
        }
    }

    /**
     * Rows written by one COPY share a commit; Debezium 3.6.1 can skip some of them when it restarts inside such a
     * transaction (fixed upstream in 3.7). This shows what the relay alone does; whatever it skips stays pending in
     * PostgreSQL, where the reconciler's pending pass re-drives it (retry-scheduler).
     */
    @Test
    void rowsOfOneCopyAcrossAnAbruptRestartAreOnTheTopicOrStillPending() throws Exception {
        List<UUID> ids;
        try (TokenCollector collector = new TokenCollector(kafka, new TopicNames(prefix))) {
            try (ChildJvm first = RelayProcess.start("copy-1", postgres, kafka.bootstrapServers(), prefix, slot)) {
                first.awaitLine("STREAMING", Duration.ofSeconds(60));
                ids = copyRows(1_000);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> collector.distinct() > 0);
                first.kill();
            }
            int beforeRestart = collector.distinct();
            try (ChildJvm second = RelayProcess.start("copy-2", postgres, kafka.bootstrapServers(), prefix, slot)) {
                second.awaitLine("STREAMING", Duration.ofSeconds(60));
                // A marker written after the restart shows when the relay has caught up.
                Map<UUID, NotificationMethod> marker = new ConcurrentHashMap<>();
                writeInBatches(marker, "copy-marker", 1, 1);
                collector.awaitAll(marker.keySet(), Duration.ofSeconds(60));
            }
            Set<UUID> missing = collector.missing(ids);
            System.out.printf(
                    "COPY of %d rows, relay killed after %d tokens: %d rows never relayed, %d duplicates%n",
                    ids.size(), beforeRestart, missing.size(), collector.duplicates());
            assertThat(pendingAmong(missing))
                    .as("every row the relay skipped is still visibly pending")
                    .isEqualTo(missing.size());
        }
    }

    private void writeInBatches(Map<UUID, NotificationMethod> ids, String run, int batches, int size) {
        try {
            for (int i = 0; i < batches; i++) {
                ids.putAll(enqueue(postgres, user, run + "-" + i, size, size));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<UUID> copyRows(int count) {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add("{\"labels\": {\"n\": \"" + i + "\"}}");
        }
        return new TestData(postgres.dataSource())
                .copyMessages(SystemTemplates.TEST_NOTIFICATION, user, "smtp", payloads);
    }

    private long pendingAmong(Set<UUID> ids) throws Exception {
        if (ids.isEmpty()) {
            return 0;
        }
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM notification_messages WHERE status = 'pending' AND id = ANY(?)")) {
            statement.setArray(1, connection.createArrayOf("uuid", new HashSet<>(ids).toArray()));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
