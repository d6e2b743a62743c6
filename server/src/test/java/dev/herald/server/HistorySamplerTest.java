package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.db.DatabaseUrl;
import dev.herald.model.SystemTemplates;
import dev.herald.server.fleet.ConsumerGroups;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.server.fleet.HistorySampler;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history sampler against a real PostgreSQL with an injected clock: what finished in each minute, counted once;
 * queue depth only for the minute sampled live; a gap filled in up to a day back; history kept as long as messages
 * are; one recording replica at a time.
 */
class HistorySamplerTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:30Z");
    private static final Instant MINUTE = Instant.parse("2026-11-30T11:59:00Z");

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final MutableClock clock = MutableClock.at(NOW);
    private FleetHistory history;
    private UUID user;

    @BeforeEach
    void emptyTables() throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM notification_messages");
            statement.execute("DELETE FROM herald_fleet_history");
        }
        history = new FleetHistory(postgres.dataSource());
        user = new TestData(postgres.dataSource()).user().insert();
    }

    @Test
    void eachMinuteCountsWhatFinishedInItAndTheNewestWhatWaitsNow() throws Exception {
        // In 11:59: three webhooks sent after 100, 200 and 900 ms, one failed for good; one email sent after 2 s.
        message("webhook", "sent", MINUTE.plusSeconds(5), Duration.ofMillis(100));
        message("webhook", "sent", MINUTE.plusSeconds(15), Duration.ofMillis(200));
        message("webhook", "sent", MINUTE.plusSeconds(25), Duration.ofMillis(900));
        message("webhook", "permanent_failure", MINUTE.plusSeconds(35), Duration.ofSeconds(1));
        message("smtp", "sent", MINUTE.plusSeconds(45), Duration.ofSeconds(2));
        // In 11:58, one webhook waiting for its retry; and two on their way now.
        message("webhook", "temporary_failure", MINUTE.minusSeconds(30), Duration.ofSeconds(1));
        message("inbox", "pending", NOW.minusSeconds(1), Duration.ZERO);
        // Finished in the minute still going on (12:00): not recorded yet.
        message("webhook", "sent", NOW.minusSeconds(5), Duration.ofMillis(10));

        HistorySampler sampler = sampler(() -> {
            throw new ConsumerGroups.FleetUnavailable("no broker in this test");
        });
        assertThat(sampler.sample()).as("a fresh deployment fills in a day").isEqualTo(24 * 60);

        FleetHistory.Interval webhook = minute(MINUTE, "webhook");
        assertThat(webhook.delivered()).isEqualTo(3);
        assertThat(webhook.failed()).isEqualTo(1);
        assertThat(webhook.latencyP50Millis()).isEqualTo(200.0);
        assertThat(webhook.latencyP99Millis()).isBetween(880.0, 900.0);
        assertThat(webhook.queueDepth())
                .as("the temporary failure is still on its way")
                .isEqualTo(1);
        assertThat(webhook.consumerLag())
                .as("Kafka did not answer: unknown, not zero")
                .isNull();
        assertThat(minute(MINUTE, "smtp").delivered()).isEqualTo(1);
        assertThat(minute(MINUTE, "smtp").latencyP50Millis()).isEqualTo(2000.0);
        assertThat(minute(MINUTE, "inbox").queueDepth()).isEqualTo(1L);
        assertThat(minute(MINUTE, "inbox").latencyP50Millis())
                .as("nothing delivered")
                .isNull();
        FleetHistory.Interval earlier = minute(MINUTE.minusSeconds(60), "webhook");
        assertThat(earlier.failed()).isEqualTo(1);
        assertThat(earlier.queueDepth())
                .as("filled in afterwards: depth was not seen")
                .isNull();
        assertThat(minute(MINUTE.minus(Duration.ofHours(23)), "smtp").delivered())
                .as("a quiet minute is a zero, not a gap")
                .isZero();
        assertThat(rows()).isEqualTo(24 * 60 * 3);

        assertThat(sampler.sample()).as("the same minute is not recorded twice").isZero();
        clock.advance(Duration.ofSeconds(40));
        assertThat(sampler.sample()).as("12:00 ended and settled").isEqualTo(1);
        assertThat(minute(MINUTE.plusSeconds(60), "webhook").delivered()).isEqualTo(1);
    }

    @Test
    void aMinuteIsRecordedOnlyOnceItSettled() throws Exception {
        clock.set(Instant.parse("2026-11-30T12:00:05Z"));
        HistorySampler sampler = sampler(() -> {
            throw new ConsumerGroups.FleetUnavailable("no broker");
        });
        sampler.sample();
        assertThat(history.lastMinute()).contains(Instant.parse("2026-11-30T11:58:00Z"));
        clock.set(Instant.parse("2026-11-30T12:00:10Z"));
        sampler.sample();
        assertThat(history.lastMinute()).contains(MINUTE);
    }

    @Test
    void afterAnOutageTheGapIsFilledInFromTheMessages() throws Exception {
        HistorySampler sampler = sampler(() -> {
            throw new ConsumerGroups.FleetUnavailable("no broker");
        });
        sampler.sample();
        Instant during = MINUTE.plus(Duration.ofHours(3));
        message("smtp", "sent", during.plusSeconds(1), Duration.ofMillis(50));
        clock.advance(Duration.ofHours(5));

        assertThat(sampler.sample()).isEqualTo(5 * 60);
        assertThat(minute(during, "smtp").delivered()).isEqualTo(1);
        assertThat(minute(during, "smtp").queueDepth()).isNull();
    }

    @Test
    void historyIsKeptAsLongAsMessagesAre() throws Exception {
        HistorySampler sampler = sampler(() -> {
            throw new ConsumerGroups.FleetUnavailable("no broker");
        });
        sampler.sample();
        clock.advance(Duration.ofDays(8));
        sampler.sample();

        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT min(minute) FROM herald_fleet_history")) {
            row.next();
            assertThat(row.getObject(1, OffsetDateTime.class).toInstant())
                    .as("a retention of 7 days deletes older minutes")
                    .isAfterOrEqualTo(clock.instant().minus(Duration.ofDays(7)));
        }
    }

    @Test
    void oneReplicaRecordsAtATime() throws Exception {
        List<HistorySampler> replicas = new ArrayList<>();
        try {
            // Three replicas of one deployment name the same lock; the topic prefix is the deployment.
            for (int i = 0; i < 3; i++) {
                replicas.add(new HistorySampler(
                        database(),
                        "one-deployment",
                        history,
                        () -> {
                            throw new ConsumerGroups.FleetUnavailable("no broker");
                        },
                        Duration.ofDays(7),
                        clock));
            }
            replicas.forEach(HistorySampler::start);
            Awaitility.await("one replica leads")
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            replicas.stream().filter(HistorySampler::active).count() == 1);
            HistorySampler leader =
                    replicas.stream().filter(HistorySampler::active).findFirst().orElseThrow();
            Awaitility.await("the leader recorded the day")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rows() > 0);
            leader.close();
            Awaitility.await("another takes over")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> replicas.stream()
                                    .filter(replica -> replica != leader)
                                    .filter(HistorySampler::active)
                                    .count()
                            == 1);
            assertThat(rows()).isEqualTo(24 * 60 * 3);
        } finally {
            replicas.forEach(HistorySampler::close);
        }
    }

    private HistorySampler sampler(java.util.function.Supplier<ConsumerGroups> groups) {
        return new HistorySampler(database(), "history", history, groups, Duration.ofDays(7), clock);
    }

    private static DatabaseUrl database() {
        return HeraldDatabase.url(postgres);
    }

    private void message(String method, String status, Instant finished, Duration took) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO notification_messages (notification_template_id, user_id, method, status,
                            created_by, payload, created_at, updated_at)
                        VALUES (?, ?, ?::notification_method, ?::notification_message_status, 'test',
                            jsonb_build_object('n', gen_random_uuid()), ?, ?)
                        """)) {
            insert.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            insert.setObject(2, user);
            insert.setString(3, method);
            insert.setString(4, status);
            insert.setObject(5, OffsetDateTime.ofInstant(finished.minus(took), ZoneOffset.UTC));
            insert.setObject(6, OffsetDateTime.ofInstant(finished, ZoneOffset.UTC));
            insert.executeUpdate();
        }
    }

    private FleetHistory.Interval minute(Instant minute, String method) throws Exception {
        return history.intervals(minute, minute.plusSeconds(60), Duration.ofMinutes(1)).stream()
                .filter(interval -> interval.method().equals(method))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + method + " row for " + minute));
    }

    private static long rows() throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM herald_fleet_history")) {
            row.next();
            return row.getLong(1);
        }
    }
}
