package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.db.Migrations;
import dev.herald.model.SystemTemplates;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet history's queries at ten million messages and a year of recorded minutes, planned and run by PostgreSQL:
 * the per-minute count reads one minute's rows through the finished-messages index, the queue depth reads the three
 * unfinished states' partial indexes, and the charts and the lag warning read a range of the history's primary key.
 * None of them scans the messages table. The plans are checked by their nodes and the rows they touched, never by
 * time.
 */
@Tag("scale")
class FleetHistoryPlanTest {

    private static final long MESSAGES = 10_000_000;
    private static final Duration SPREAD = Duration.ofDays(7);
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INDEXES = new ArrayList<>();

    @RegisterExtension
    static final PostgresExtension postgres = PostgresExtension.withSchema("herald", Migrations::apply);

    @BeforeAll
    static void tenMillionMessagesAndAYearOfHistory() throws Exception {
        UUID user = new TestData(postgres.dataSource()).user().insert();
        try (Connection connection = postgres.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            // Spread over a week, one message every 60 ms: about a thousand finish in each minute. Of every hundred,
            // 97 were sent, 2 failed for good, and one is pending, leased or waiting for a retry.
            statement.execute("SET maintenance_work_mem = '256MB'");
            // Loaded as a restore would: without the secondary indexes (rebuilt below from the migrations' own
            // definitions) and without row triggers (the dedupe hash and foreign key checks), which would make the
            // load take minutes rather than the plans any different.
            List<String> indexes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("""
                    SELECT indexname, indexdef FROM pg_indexes
                    WHERE tablename = 'notification_messages' AND indexname <> 'notification_messages_pkey'
                    """)) {
                while (rows.next()) {
                    indexes.add(rows.getString(2));
                    INDEXES.add(rows.getString(1));
                }
            }
            for (String index : INDEXES) {
                statement.execute("DROP INDEX " + index);
            }
            statement.execute("ALTER TABLE notification_messages DISABLE TRIGGER ALL");
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO notification_messages (notification_template_id, user_id, method, status, created_by,
                        payload, attempt_count, created_at, updated_at, leased_until, next_retry_after)
                    SELECT ?, ?,
                        (ARRAY['smtp', 'webhook', 'inbox'])[1 + i % 3]::notification_method,
                        (CASE WHEN i % 100 < 97 THEN 'sent' WHEN i % 100 < 99 THEN 'permanent_failure'
                              ELSE (ARRAY['pending', 'leased', 'temporary_failure'])[1 + (i / 100) % 3] END)
                            ::notification_message_status,
                        'plan-test', '{}', 1,
                        ?::timestamptz - (i * interval '60 milliseconds') - interval '1 second' * (i % 7),
                        ?::timestamptz - (i * interval '60 milliseconds'),
                        ?::timestamptz - (i * interval '60 milliseconds') + interval '2 minutes',
                        ?::timestamptz - (i * interval '60 milliseconds') + interval '5 minutes'
                    FROM generate_series(1, ?) AS i
                    """)) {
                insert.setObject(1, SystemTemplates.TEST_NOTIFICATION);
                insert.setObject(2, user);
                for (int parameter = 3; parameter <= 6; parameter++) {
                    insert.setObject(parameter, NOW.atOffset(ZoneOffset.UTC));
                }
                insert.setLong(7, MESSAGES);
                insert.executeUpdate();
            }
            statement.execute("ALTER TABLE notification_messages ENABLE TRIGGER ALL");
            for (String index : indexes) {
                statement.execute(index);
            }
            statement.execute("""
                    INSERT INTO herald_fleet_history (minute, method, delivered, failed, latency_p50_ms,
                        latency_p99_ms, queue_depth, consumer_lag)
                    SELECT minute, method, 970, 20, 80, 400, 10, 5
                    FROM generate_series(timestamptz '2025-11-30 12:00:00+00', timestamptz '2026-11-30 11:59:00+00',
                            interval '1 minute') AS minute,
                        unnest(enum_range(NULL::notification_method)) AS method
                    """);
            statement.execute("VACUUM ANALYZE notification_messages");
            statement.execute("VACUUM ANALYZE herald_fleet_history");
        }
    }

    @Test
    void theMessagesTableHasEveryIndexOfItsMigrations() {
        assertThat(INDEXES).contains("notification_messages_finished_idx", "notification_messages_pending_idx");
    }

    @Test
    void oneMinutesCountReadsThatMinuteThroughTheFinishedIndex() throws Exception {
        Instant minute = NOW.minus(Duration.ofHours(30)).truncatedTo(ChronoUnit.MINUTES);
        JsonNode plan = explain(FleetHistory.FINISHED, minute, minute.plus(Duration.ofMinutes(1)));

        assertThat(scansOf(plan, "notification_messages"))
                .as("the messages table is read through the finished index only")
                .isNotEmpty()
                .allSatisfy(scan -> {
                    assertThat(scan.path("Node Type").asText()).isIn("Index Scan", "Bitmap Heap Scan");
                    assertThat(scan.path("Actual Rows").asLong())
                            .as("rows touched: one minute's, not ten million")
                            .isBetween(900L, 1100L);
                });
        assertThat(indexesUsed(plan)).contains("notification_messages_finished_idx");

        List<FleetHistory.Minute> counted =
                new FleetHistory(postgres.dataSource()).finished(minute, minute.plus(Duration.ofMinutes(1)));
        assertThat(counted.stream().mapToInt(FleetHistory.Minute::delivered).sum())
                .as("97 of every 100 finished were sent")
                .isBetween(960, 1000);
    }

    @Test
    void theQueueDepthReadsOnlyTheUnfinishedStatesIndexes() throws Exception {
        JsonNode plan = explain(FleetHistory.QUEUE_DEPTH);

        assertThat(scansOf(plan, "notification_messages"))
                .hasSize(3)
                .allSatisfy(scan -> assertThat(scan.path("Node Type").asText())
                        .isIn("Index Only Scan", "Index Scan", "Bitmap Heap Scan"));
        assertThat(indexesUsed(plan))
                .contains(
                        "notification_messages_pending_idx",
                        "notification_messages_lease_expiry_idx",
                        "notification_messages_retry_due_idx");
        // A parallel plan reports rows per loop (an average), so the total is close to, not exactly, the count.
        long touched = scansOf(plan, "notification_messages").stream()
                .mapToLong(scan -> scan.path("Actual Rows").asLong()
                        * scan.path("Actual Loops").asLong())
                .sum();
        assertThat(touched)
                .as("the 1% on their way, not the table")
                .isBetween(MESSAGES / 100 - 10, MESSAGES / 100 + 10);
    }

    @Test
    void aDayOfChartsReadsADayOfTheHistorysPrimaryKey() throws Exception {
        Instant to = NOW.truncatedTo(ChronoUnit.MINUTES);
        JsonNode plan = explain(
                FleetHistory.INTERVALS, "600 seconds", to.minus(Duration.ofDays(1)), to.minus(Duration.ofDays(1)), to);

        List<JsonNode> scans = scansOf(plan, "herald_fleet_history");
        assertThat(scans).isNotEmpty().allSatisfy(scan -> {
            assertThat(scan.path("Node Type").asText()).isIn("Index Scan", "Bitmap Heap Scan");
            assertThat(scan.path("Actual Rows").asLong())
                    .as("a day of minutes for three methods")
                    .isEqualTo(3 * 1440);
        });
        assertThat(indexesUsed(plan)).contains("herald_fleet_history_pkey");
    }

    @Test
    void theLagWarningReadsTheNewestMinutesBackwards() throws Exception {
        JsonNode plan = explain(FleetHistory.RECENT_LAG, "webhook", 5);

        List<JsonNode> scans = scansOf(plan, "herald_fleet_history");
        assertThat(scans).hasSize(1);
        assertThat(scans.getFirst().path("Node Type").asText()).isEqualTo("Index Scan");
        assertThat(scans.getFirst().path("Scan Direction").asText()).isEqualTo("Backward");
        assertThat(scans.getFirst().path("Actual Rows").asLong()).isEqualTo(5);
    }

    /** EXPLAIN (ANALYZE, FORMAT JSON) of {@code sql} with its parameters bound, as the server would run it. */
    private static JsonNode explain(String sql, Object... parameters) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i] instanceof Instant instant
                        ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC)
                        : parameters[i];
                statement.setObject(i + 1, value);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                JsonNode plan = JSON.readTree(row.getString(1)).get(0).get("Plan");
                System.out.println("plan of " + sql.strip().lines().findFirst().orElse("") + "\n"
                        + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan));
                return plan;
            }
        }
    }

    /** Every node of the plan that reads {@code table}, however (sequential, index, bitmap). */
    private static List<JsonNode> scansOf(JsonNode plan, String table) {
        List<JsonNode> scans = new ArrayList<>();
        walk(plan, node -> {
            if (table.equals(node.path("Relation Name").asText())) {
                scans.add(node);
            }
        });
        return scans;
    }

    private static List<String> indexesUsed(JsonNode plan) {
        List<String> indexes = new ArrayList<>();
        walk(plan, node -> {
            if (node.has("Index Name")) {
                indexes.add(node.path("Index Name").asText());
            }
        });
        return indexes;
    }

    private static void walk(JsonNode node, java.util.function.Consumer<JsonNode> visit) {
        visit.accept(node);
        node.path("Plans").forEach(child -> walk(child, visit));
    }
}
