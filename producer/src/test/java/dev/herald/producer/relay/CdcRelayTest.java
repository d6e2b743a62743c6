package dev.herald.producer.relay;

import static dev.herald.producer.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.Enqueuer;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay in this JVM against a real PostgreSQL and a real broker. Crash tests live in {@link RelayCrashTest}. */
class CdcRelayTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private String prefix;
    private String slot;
    private TopicNames topics;
    private UUID user;
    private CdcRelay relay;
    private TokenCollector collector;
    private MetricRegistry registry;
    private TokenPublisher publisher;

    @BeforeEach
    void start() {
        prefix = kafka.uniquePrefix("relay");
        slot = uniqueSlot();
        topics = new TopicNames(prefix);
        routeTemplateDeletedToWebhook(postgres);
        user = new TestData(postgres.dataSource()).user().insert();
        publisher = publisher(settings(postgres, kafka, prefix, slot));
        relay = startRelay();
        collector = new TokenCollector(kafka, topics);
    }

    @AfterEach
    void stop() {
        collector.close();
        relay.close();
        publisher.close();
    }

    @Test
    void tenThousandMessagesReachTheTopicOfTheirMethod() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        Map<UUID, NotificationMethod> ids = enqueue(postgres, user, "bulk", 10_000, 250);
        Instant after = Instant.now().plusSeconds(1);

        collector.awaitAll(ids.keySet(), Duration.ofSeconds(90));

        long onTheWrongTopic = ids.entrySet().stream()
                .filter(entry ->
                        !collector.seen().get(entry.getKey()).topic().equals(topics.forMethod(entry.getValue())))
                .count();
        assertThat(onTheWrongTopic).isZero();
        assertThat(ids.values().stream().filter(NotificationMethod.WEBHOOK::equals))
                .hasSize(5_000);
        assertThat(relay.relayedCount(NotificationMethod.SMTP) + relay.relayedCount(NotificationMethod.WEBHOOK))
                .isGreaterThanOrEqualTo(10_000);
        WorkToken sample = collector.seen().values().iterator().next().token();
        assertThat(sample.templateId()).isIn(SystemTemplates.TEMPLATE_DELETED, SystemTemplates.TEST_NOTIFICATION);
        assertThat(sample.userId()).isEqualTo(user);
        assertThat(sample.attemptCount()).isZero();
        assertThat(sample.createdAt()).as("the commit time of the insert").isBetween(before, after);
    }

    /** PostgreSQL decodes and sends only what the publication lists; the relay needs five columns of a new row. */
    @Test
    void thePublicationCarriesOnlyTheColumnsATokenNeeds() throws Exception {
        String columns = query("SELECT array_to_string(attnames, ',') FROM pg_publication_tables WHERE pubname = '"
                + CdcRelay.PUBLICATION + "'");
        assertThat(columns.split(","))
                .containsExactlyInAnyOrder("id", "method", "notification_template_id", "user_id", "attempt_count");
    }

    @Test
    void aRolledBackEnqueueProducesNoRecord() throws Exception {
        Enqueuer enqueuer = new Enqueuer(postgres.dataSource());
        UUID rolledBack;
        try (Connection transaction = postgres.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            rolledBack = ((dev.herald.producer.EnqueueResult.Enqueued) enqueuer.enqueue(
                            transaction,
                            EnqueueRequest.of(SystemTemplates.TEST_NOTIFICATION, user, Map.of("n", "rb"), "t")))
                    .messageId();
            transaction.rollback();
        }
        // A committed message after it proves the stream moved past the rolled-back one.
        Map<UUID, NotificationMethod> after = enqueue(postgres, user, "after-rollback", 2, 2);
        collector.awaitAll(after.keySet(), Duration.ofSeconds(30));

        assertThat(collector.seen()).doesNotContainKey(rolledBack);
    }

    @Test
    void afterACleanStopNothingIsReplayed() throws Exception {
        Map<UUID, NotificationMethod> before = enqueue(postgres, user, "before-stop", 500, 100);
        collector.awaitAll(before.keySet(), Duration.ofSeconds(30));

        relay.close();
        Map<UUID, NotificationMethod> whileStopped = enqueue(postgres, user, "while-stopped", 300, 100);
        relay = startRelay();
        Map<UUID, NotificationMethod> afterRestart = enqueue(postgres, user, "after-restart", 200, 100);

        collector.awaitAll(whileStopped.keySet(), Duration.ofSeconds(30));
        collector.awaitAll(afterRestart.keySet(), Duration.ofSeconds(30));
        assertThat(collector.duplicates()).isZero();
        assertThat(collector.distinct()).isEqualTo(1_000);
    }

    @Test
    void topicsAreCreatedWithTheConfiguredSizeAndMetricsAreKept() throws Exception {
        Map<UUID, NotificationMethod> ids = enqueue(postgres, user, "metrics", 20, 20);
        collector.awaitAll(ids.keySet(), Duration.ofSeconds(30));

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics.workTopics()).allTopicNames().get();
            assertThat(described)
                    .hasSize(topics.workTopics().size())
                    .containsKey(topics.forMethod(NotificationMethod.INBOX));
            described.values().forEach(topic -> assertThat(topic.partitions()).hasSize(3));
        }
        assertThat(registry.counter("herald.relay.records.smtp").getCount()).isEqualTo(10);
        assertThat(registry.counter("herald.relay.records.webhook").getCount()).isEqualTo(10);
        assertThat(registry.histogram("herald.relay.lag_ms").getCount()).isEqualTo(20);
        assertThat(registry.getGauges().get("herald.relay.leader").getValue()).isEqualTo(1L);
        Awaitility.await("the slot lag to be measured")
                .atMost(Duration.ofSeconds(10))
                .until(() -> (Long) registry.getGauges()
                                .get("herald.relay.slot_lag_bytes")
                                .getValue()
                        >= 0);
    }

    /**
     * Without heartbeats a slot whose tables are quiet never confirms a newer position, and PostgreSQL keeps all WAL
     * written since for it. Here only other tables are written; the slot must still move forward.
     */
    @Test
    void heartbeatsMoveTheSlotWhileTheTableIsQuiet() throws Exception {
        String written = insertUnrelatedRows();

        Awaitility.await("the slot to confirm a position past the unrelated writes")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> lsnAtLeast(slotPosition(), written));
    }

    private String slotPosition() throws Exception {
        return query("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
    }

    private String insertUnrelatedRows() throws Exception {
        TestData data = new TestData(postgres.dataSource());
        for (int i = 0; i < 50; i++) {
            data.user().insert();
        }
        return query("SELECT pg_current_wal_lsn()::text");
    }

    private boolean lsnAtLeast(String lsn, String other) throws Exception {
        return Boolean.parseBoolean(query("SELECT ('" + lsn + "'::pg_lsn >= '" + other + "'::pg_lsn)::text"));
    }

    private String query(String sql) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                ResultSet row = connection.createStatement().executeQuery(sql)) {
            return row.next() ? row.getString(1) : null;
        }
    }

    private CdcRelay startRelay() {
        registry = new MetricRegistry();
        CdcRelay started =
                new CdcRelay(settings(postgres, kafka, prefix, slot), publisher, registry, Clock.systemUTC());
        started.start();
        Awaitility.await("the relay streams").atMost(Duration.ofSeconds(60)).until(started::isStreaming);
        return started;
    }
}
