package dev.herald.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReconcilerTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(1);

    private final MutableClock clock = MutableClock.at(NOW);
    private final List<Reconciler> running = new ArrayList<>();
    private String prefix;
    private TopicNames topics;
    private TokenPublisher publisher;
    private UUID user;

    @BeforeEach
    void setUp() {
        postgres.execute("TRUNCATE notification_messages");
        prefix = kafka.uniquePrefix("reconcile");
        topics = new TopicNames(prefix);
        for (String topic : topics.workTopics()) {
            kafka.createTopic(topic, 2);
        }
        user = new TestData(postgres.dataSource()).user().insert();
        publisher = SchedulerFixtures.publisher(kafka.bootstrapServers(), prefix);
    }

    @AfterEach
    void stop() {
        running.forEach(Reconciler::close);
        publisher.close();
    }

    @Test
    void aPendingRowOlderThanTheGraceIsRedrivenThenLeftAloneForAsLongAsItHadWaited() throws Exception {
        List<UUID> old = insert(5, NOW.minus(Duration.ofMinutes(2)), "");
        List<UUID> young = insert(3, NOW.minusSeconds(30), "");
        Reconciler reconciler = reconciler(1000, 5, Duration.ofDays(7));

        assertThat(reconciler.runOnce().redriven()).containsEntry(Stall.PENDING, 5);
        assertThat(tokenIds(5)).containsExactlyInAnyOrderElementsOf(old);
        assertThat(reconciler.runOnce().redrivenTotal()).as("just re-driven").isZero();

        clock.set(NOW.plus(Duration.ofMinutes(1)));
        assertThat(reconciler.runOnce().redriven())
                .as("the young rows are now past the grace; the old ones waited 2 min before, so wait 2 min again")
                .containsEntry(Stall.PENDING, 3);
        assertThat(tokenIds(8)).containsAll(young);

        clock.set(NOW.plus(Duration.ofMinutes(2)));
        assertThat(reconciler.runOnce().redriven()).containsEntry(Stall.PENDING, 5);
    }

    @Test
    void overdueRetriesAndExpiredLeasesAreRedrivenButNotLiveOnes() throws Exception {
        Instant created = NOW.minus(Duration.ofMinutes(30));
        List<UUID> overdue = insert(
                4,
                created,
                "status = 'temporary_failure', attempt_count = 1, next_retry_after = '"
                        + sql(NOW.minus(Duration.ofMinutes(2))) + "', updated_at = '"
                        + sql(NOW.minus(Duration.ofMinutes(7))) + "'");
        insert(
                2,
                created,
                "status = 'temporary_failure', attempt_count = 1, next_retry_after = '" + sql(NOW.minusSeconds(10))
                        + "', updated_at = '" + sql(NOW.minus(Duration.ofMinutes(5))) + "'");
        List<UUID> expired = insert(
                3,
                created,
                "status = 'leased', leased_until = '" + sql(NOW.minusSeconds(1)) + "', updated_at = '"
                        + sql(NOW.minus(Duration.ofMinutes(2))) + "'");
        insert(
                2,
                created,
                "status = 'leased', leased_until = '" + sql(NOW.plusSeconds(60)) + "', updated_at = '"
                        + sql(NOW.minusSeconds(60)) + "'");
        Reconciler reconciler = reconciler(1000, 5, Duration.ofDays(7));

        Reconciler.Report report = reconciler.runOnce();

        assertThat(report.redriven())
                .containsEntry(Stall.RETRY_OVERDUE, 4)
                .containsEntry(Stall.LEASE_EXPIRED, 3)
                .containsEntry(Stall.PENDING, 0);
        List<UUID> expected = new ArrayList<>(overdue);
        expected.addAll(expired);
        assertThat(tokenIds(7)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theQueuesAgeIsTheOldestPendingMessageAndTheMostOverdueRetryPerMethod() throws Exception {
        RecoveryStore store = new RecoveryStore(postgres.dataSource());
        assertThat(store.queueAge(NotificationMethod.WEBHOOK, NOW))
                .isEqualTo(new RecoveryStore.QueueAge(Duration.ZERO, Duration.ZERO));
        insert(2, NOW.minus(Duration.ofMinutes(10)), "");
        insert(1, NOW.minus(Duration.ofMinutes(3)), "");
        insert(
                1,
                NOW.minus(Duration.ofHours(1)),
                "status = 'temporary_failure', attempt_count = 1, next_retry_after = '"
                        + sql(NOW.minus(Duration.ofMinutes(4))) + "'");
        insert(
                1,
                NOW.minus(Duration.ofHours(2)),
                "status = 'temporary_failure', attempt_count = 1, next_retry_after = '"
                        + sql(NOW.plus(Duration.ofMinutes(4))) + "'");
        insert(1, NOW.minus(Duration.ofHours(3)), "status = 'sent'");

        assertThat(store.queueAge(NotificationMethod.WEBHOOK, NOW))
                .as("a retry not yet due and a sent message are not waiting")
                .isEqualTo(new RecoveryStore.QueueAge(Duration.ofMinutes(10), Duration.ofMinutes(4)));
        assertThat(store.queueAge(NotificationMethod.SMTP, NOW))
                .isEqualTo(new RecoveryStore.QueueAge(Duration.ZERO, Duration.ZERO));
    }

    @Test
    void rowsWhoseAttemptsAreUsedUpEndAsPermanentFailuresWithTheLastError() throws Exception {
        List<UUID> exhausted = insert(
                2,
                NOW.minus(Duration.ofHours(1)),
                "status = 'temporary_failure', attempt_count = 5, status_reason = 'HTTP 500: boom',"
                        + " next_retry_after = '" + sql(NOW.minus(Duration.ofMinutes(1))) + "'");
        Reconciler reconciler = reconciler(1000, 5, Duration.ofDays(7));

        Reconciler.Report report = reconciler.runOnce();

        assertThat(report.gaveUp()).isEqualTo(2);
        assertThat(report.redrivenTotal()).isZero();
        TestData data = new TestData(postgres.dataSource());
        for (UUID id : exhausted) {
            assertThat(data.messageColumn(id, "status")).isEqualTo("permanent_failure");
            assertThat(data.messageColumn(id, "status_reason"))
                    .isEqualTo("gave up after 5 attempts (the maximum is 5); last error: HTTP 500: boom");
        }
    }

    @Test
    void aBacklogIsWorkedThroughInBatchesInOnePass() throws Exception {
        List<UUID> backlog = insert(50, NOW.minus(Duration.ofMinutes(10)), "");
        Reconciler reconciler = reconciler(7, 5, Duration.ofDays(7));

        assertThat(reconciler.runOnce().redriven()).containsEntry(Stall.PENDING, 50);
        assertThat(tokenIds(50)).containsExactlyInAnyOrderElementsOf(backlog);
    }

    @Test
    void retentionDeletesOldRowsOfEveryStateInBatchesAndKeepsYoungOnes() throws Exception {
        List<String> states = List.of(
                "status = 'pending'",
                "status = 'leased', leased_until = '" + sql(NOW.plusSeconds(60)) + "'",
                "status = 'sent', attempt_count = 1",
                "status = 'temporary_failure', attempt_count = 1, next_retry_after = '" + sql(NOW.plusSeconds(60))
                        + "'",
                "status = 'permanent_failure', attempt_count = 5",
                "status = 'inhibited'");
        List<UUID> young = new ArrayList<>();
        for (String state : states) {
            insert(3, NOW.minus(Duration.ofDays(8)), state);
            young.addAll(insert(1, NOW.minus(Duration.ofDays(6)), state));
        }
        Reconciler reconciler = reconciler(4, 5, Duration.ofDays(7));

        assertThat(reconciler.runOnce().purged()).as("18 rows in batches of 4").isEqualTo(18);
        assertThat(remainingIds()).containsExactlyInAnyOrderElementsOf(young);
    }

    @Test
    void exactlyOneReplicaReconcilesAndAnotherTakesOverWhenItStops() {
        Reconciler first = reconciler(1000, 5, Duration.ofDays(7));
        Reconciler second = reconciler(1000, 5, Duration.ofDays(7));
        first.start();
        second.start();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> first.active() || second.active());
        Reconciler active = first.active() ? first : second;
        Reconciler standby = active == first ? second : first;
        assertThat(standby.active()).isFalse();

        active.close();
        running.remove(active);
        Awaitility.await("the standby takes over")
                .atMost(Duration.ofSeconds(20))
                .until(standby::active);
    }

    private Reconciler reconciler(int batchSize, int maxAttempts, Duration retention) {
        Reconciler reconciler = SchedulerFixtures.reconciler(
                postgres, kafka.bootstrapServers(), publisher, prefix, GRACE, batchSize, maxAttempts, retention, clock);
        running.add(reconciler);
        return reconciler;
    }

    /** Inserts {@code count} webhook messages created at {@code createdAt}, then applies {@code state} (SQL SET). */
    private List<UUID> insert(int count, Instant createdAt, String state) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO notification_messages
                            (notification_template_id, user_id, method, created_by, payload, created_at, updated_at)
                        SELECT ?, ?, 'webhook', 'reconciler-test', jsonb_build_object('n', gen_random_uuid()), ?, ?
                        FROM generate_series(1, ?)
                        RETURNING id
                        """)) {
            insert.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            insert.setObject(2, user);
            insert.setObject(3, createdAt.atOffset(ZoneOffset.UTC));
            insert.setObject(4, createdAt.atOffset(ZoneOffset.UTC));
            insert.setInt(5, count);
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        if (!state.isEmpty()) {
            try (Connection connection = postgres.dataSource().getConnection();
                    PreparedStatement update = connection.prepareStatement(
                            "UPDATE notification_messages SET " + state + " WHERE id = ANY(?)")) {
                update.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                update.executeUpdate();
            }
        }
        return ids;
    }

    private List<UUID> tokenIds(int expected) {
        return kafka
                .readRecords(List.of(topics.forMethod(NotificationMethod.WEBHOOK)), expected, Duration.ofSeconds(20))
                .stream()
                .map(ConsumerRecord::key)
                .map(UUID::fromString)
                .toList();
    }

    private List<UUID> remainingIds() throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT id FROM notification_messages");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private static String sql(Instant instant) {
        return instant.toString();
    }
}
