package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.RestartablePostgres;
import dev.herald.testing.StandaloneKafka;
import dev.herald.testing.TestData;
import dev.herald.token.TopicNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Faults an operator meets, staged against a {@code herald server} child process under load: its database goes away
 * and comes back. Each scenario asserts nothing lost, duplicates bounded by the sends in flight, recovery within a
 * stated bound and a bounded log, and prints those numbers. Tagged "fault": {@code .ci/run} runs the suite after
 * {@code verify}. (The relay's own faults — a slot dropped while streaming, a stale stored position, a slot name held
 * by another database — are in RelayHealingTest; SIGKILLed relays, dispatchers and schedulers in RelayCrashTest,
 * CrashRecoveryTest and RetrySchedulerTest.)
 */
@Tag("fault")
class FaultSuiteTest {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("fault");

    private static final HttpReceiver receiver = fleet.receiver();
    private static final int MAX_INFLIGHT = 16;
    private static final int STORE_SYNC_BUFFER = 50;
    private static final long LOG_BOUND_BYTES = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void postgresStoppedForThirtySecondsUnderLoad() throws Exception {
        outage(Duration.ofSeconds(30), Duration.ofSeconds(90));
    }

    @Test
    void postgresStoppedForSixtySecondsUnderLoad() throws Exception {
        outage(Duration.ofSeconds(60), Duration.ofSeconds(120));
    }

    /** The active relay's process is SIGKILLed; the standby replica takes the lock and streams on. */
    @Test
    void theActiveRelayKilledUnderLoadAndTheStandbyTakesOver() throws Exception {
        ChildJvm active = fleet.startProcess("producer", webhook());
        ChildJvm standby = fleet.startProcess("producer", webhook());
        fleet.startProcess("dispatcher-webhook,retry-scheduler", webhook());
        UUID user = new TestData(fleet.postgres().dataSource()).user().insert();
        underLoad(
                "the active relay SIGKILLed",
                standby,
                new Load(fleet.postgres().jdbcUrl(), user),
                active::kill,
                Duration.ZERO,
                () -> {},
                Duration.ofSeconds(60));
        assertThat(Files.readString(standby.output())).contains("notifications relay is now the active replica");
    }

    /** The slot is dropped from under a running server: it is recreated and the gap is re-driven by the reconciler. */
    @Test
    void theSlotDroppedUnderARunningServer() throws Exception {
        ChildJvm server = fleet.startProcess("producer,dispatcher-webhook,retry-scheduler", webhook());
        UUID user = new TestData(fleet.postgres().dataSource()).user().insert();
        underLoad(
                "the replication slot dropped",
                server,
                new Load(fleet.postgres().jdbcUrl(), user),
                () -> Awaitility.await("the slot dropped from under the relay")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions()
                        .until(() -> {
                            fleet.postgres()
                                    .execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                                            + " WHERE slot_name = '" + fleet.topicPrefix() + "' AND active");
                            fleet.postgres().execute("SELECT pg_drop_replication_slot('" + fleet.topicPrefix() + "')");
                            return true;
                        }),
                Duration.ZERO,
                () -> {},
                Duration.ofSeconds(90));
        server.awaitOutputContaining("PostgreSQL no longer has the position", Duration.ofSeconds(60));
    }

    /**
     * Every message fails once, so each waits in a retry timer; the scheduler holding them is SIGKILLed and another
     * replica takes its partitions (timers rebuilt from the changelog; the reconciler covers any it misses).
     */
    @Test
    void theRetrySchedulerKilledWithTimersPending() throws Exception {
        int messages = 40;
        HttpReceiver.Response[] failures = new HttpReceiver.Response[messages];
        java.util.Arrays.fill(failures, HttpReceiver.Response.status(503));
        receiver.respond(failures);
        String[] flags = webhook("--notifications-retry-interval=10s", "--reconciler-grace=30s");
        fleet.startProcess("producer,dispatcher-webhook", flags);
        ChildJvm doomed = fleet.startProcess("retry-scheduler", flags);
        TestData data = new TestData(fleet.postgres().dataSource());
        UUID user = data.user().insert();
        Set<UUID> ids = new java.util.HashSet<>();
        for (int i = 0; i < messages; i++) {
            ids.add(data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"retry-" + i + "\"}"));
        }
        Awaitility.await("every message failed once and waits for its retry")
                .atMost(Duration.ofSeconds(60))
                .until(() -> data.countMessages("status = 'temporary_failure'") == messages);
        fleet.awaitConsumed(fleet.schedulerGroup(), new TopicNames(fleet.topicPrefix()).retry(), messages);

        doomed.kill();
        Instant killed = Instant.now();
        ChildJvm replacement = fleet.startProcess("retry-scheduler", flags);

        Awaitility.await("every message sent on its retry")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> data.countMessages("status = 'sent'") == messages);
        // The first attempts all came before any retry and were the ones answered 503.
        long duplicates = receiver.requests().size() - messages - ids.size();
        System.out.printf(
                "fault: the retry scheduler SIGKILLed with %d timers pending: 0 lost, %d duplicates, all delivered"
                        + " %.1f s after the kill (retry interval 10 s), %d bytes of log from the replacement%n",
                messages,
                duplicates,
                Duration.between(killed, Instant.now()).toMillis() / 1000.0,
                Files.size(replacement.output()));
        assertThat(duplicates).isLessThanOrEqualTo(MAX_INFLIGHT);
        assertThat(Files.size(replacement.output())).isLessThan(LOG_BOUND_BYTES);
    }

    @Test
    void postgresRestartedUnderLoad() throws Exception {
        outage(Duration.ZERO, Duration.ofSeconds(60));
    }

    /**
     * Three dispatchers share the partitions; one is SIGKILLed under load. Its partitions move to the others after
     * the default --kafka-session-timeout (10 s), so no message waits much longer than that.
     */
    @Test
    void oneOfThreeDispatchersKilledUnderLoad() throws Exception {
        String[] webhook = webhook(
                "--notifications-lease-period=10s",
                "--notifications-dispatch-timeout=5s",
                "--kafka-topic-partitions=6");
        fleet.startProcess("producer,retry-scheduler", webhook);
        ChildJvm doomed = fleet.startProcess("dispatcher-webhook", webhook);
        fleet.startProcess("dispatcher-webhook", webhook);
        fleet.startProcess("dispatcher-webhook", webhook);
        UUID user = new TestData(fleet.postgres().dataSource()).user().insert();
        // About 200 messages a second, as the scenario asks.
        Load load = new Load(fleet.postgres().jdbcUrl(), user, Duration.ofMillis(3));
        Thread producer = Thread.ofPlatform().name("fault-load").start(load);

        awaitEnqueued(load, 1_000);
        long inflightAtKill = load.enqueued.size() - delivered().size();
        doomed.kill();
        Instant killed = Instant.now();
        awaitEnqueued(load, load.enqueued.size() + 3_000);
        Set<UUID> enqueued = load.stop(producer);
        awaitDelivered(enqueued, Duration.ofSeconds(120));
        Map<UUID, Instant> firstDelivery = firstDeliveries();
        List<Long> latencies = enqueued.stream()
                .map(id -> Duration.between(load.enqueuedAt.get(id), firstDelivery.get(id))
                        .toMillis())
                .sorted()
                .toList();
        long p50 = latencies.get(latencies.size() / 2);
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        long duplicates = receiver.requests().size() - delivered().size();
        System.out.printf(
                "fault: 1 of 3 dispatchers SIGKILLed under load (%d not yet delivered when killed): %d enqueued, 0 lost,"
                        + " %d duplicates, enqueue to delivered p50 %d ms, p99 %d ms, max %d ms; all delivered %.1f s"
                        + " after the kill%n",
                inflightAtKill,
                enqueued.size(),
                duplicates,
                p50,
                p99,
                latencies.getLast(),
                Duration.between(killed, Instant.now()).toMillis() / 1000.0);

        // The killed dispatcher's sends in flight, and those it finished whose outcomes still waited for the next
        // batched write-back (--notifications-store-sync-buffer-size, 50), are sent again by the survivors.
        assertThat(duplicates)
                .as("duplicates, at most the sends in flight or awaiting write-back")
                .isLessThanOrEqualTo(MAX_INFLIGHT + STORE_SYNC_BUFFER);
        assertThat(p99).as("enqueue to delivered p99 across the failover").isLessThan(20_000);
    }

    @Test
    void brokerKilledForSixtySecondsUnderLoad() throws Exception {
        try (StandaloneKafka broker = StandaloneKafka.start(work.resolve("kafka"))) {
            ChildJvm server = fleet.startProcess(
                    "producer,dispatcher-webhook,retry-scheduler",
                    webhook("--kafka-bootstrap-servers=" + broker.bootstrapServers()));
            UUID user = new TestData(fleet.postgres().dataSource()).user().insert();
            underLoad(
                    "the broker SIGKILLed for 60 s",
                    server,
                    new Load(fleet.postgres().jdbcUrl(), user),
                    broker::kill,
                    Duration.ofSeconds(60),
                    broker::restart,
                    Duration.ofSeconds(150));
            // Nothing of Herald's fails while the broker is away (sends wait, polls come back empty); the clients say
            // it, every few seconds at most.
            assertThat(Files.readString(server.output()))
                    .contains("could not be established. Node may not be available");
        }
    }

    /**
     * The database is dropped and created again (as a restore would leave it) while Kafka keeps the relay's position
     * in the old one: the relay forgets the position it can no longer have and streams the new database's messages.
     */
    @Test
    void theDatabaseRecreatedWhileKafkaKeepsTheOldPosition() throws Exception {
        try (RestartablePostgres postgres = RestartablePostgres.start(work.resolve("postgres"))) {
            execute(postgres.dataSource(), "CREATE DATABASE herald");
            String[] flags = webhook("--postgres-url=" + postgres.url().replace("/postgres?", "/herald?"));
            PGSimpleDataSource herald = new PGSimpleDataSource();
            herald.setUrl("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/herald?user=postgres");
            ChildJvm first = fleet.startProcess("producer,dispatcher-webhook,retry-scheduler", flags);
            awaitDelivered(enqueue(herald, 20), Duration.ofSeconds(60));
            first.stop();

            execute(postgres.dataSource(), "SELECT pg_drop_replication_slot('" + fleet.topicPrefix() + "')");
            execute(postgres.dataSource(), "DROP DATABASE herald WITH (FORCE)");
            execute(postgres.dataSource(), "CREATE DATABASE herald");
            ChildJvm second = fleet.startProcess("producer,dispatcher-webhook,retry-scheduler", flags);
            Set<UUID> afterRestore = enqueue(herald, 20);

            awaitDelivered(afterRestore, Duration.ofSeconds(90));
            assertThat(Files.readString(second.output()))
                    .contains("PostgreSQL no longer has the position the change stream was to resume from")
                    .contains("forgot the stored position");
            System.out.printf(
                    "fault: database recreated while Kafka kept the old position: 20 enqueued after, 0 lost, %d bytes"
                            + " of log%n",
                    Files.size(second.output()));
        }
    }

    private static Set<UUID> enqueue(DataSource database, int count) {
        TestData data = new TestData(database);
        UUID user = data.user().insert();
        Set<UUID> ids = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            ids.add(data.enqueue(SystemTemplates.TEMPLATE_DELETED, user, "{\"name\": \"restored-" + i + "\"}"));
        }
        return ids;
    }

    private static void execute(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** PostgreSQL stopped for {@code down} (a fast restart when zero), then started again. */
    private void outage(Duration down, Duration recoveryBound) throws Exception {
        try (RestartablePostgres postgres = RestartablePostgres.start(work.resolve("postgres"))) {
            ChildJvm server = fleet.startProcess(
                    "producer,dispatcher-webhook,retry-scheduler", webhook("--postgres-url=" + postgres.url()));
            UUID user = new TestData(postgres.dataSource()).user().insert();
            underLoad(
                    "PostgreSQL down " + down.toSeconds() + " s",
                    server,
                    new Load(
                            "jdbc:postgresql://127.0.0.1:" + postgres.port()
                                    + "/postgres?user=postgres&connectTimeout=2",
                            user),
                    postgres::stop,
                    down,
                    postgres::restart,
                    recoveryBound);
            assertSaidWhatWasWrongAndThatItWorksAgain(server);
        }
    }

    /**
     * Load at about 20 messages a second; the fault from {@code fail} to {@code recover}, {@code down} apart; load goes
     * on after it. Then: nothing lost, duplicates within the sends in flight, every message delivered within
     * {@code recoveryBound} of the recovery, under 1 MB of log, and the process said what was wrong.
     */
    private void underLoad(
            String fault,
            ChildJvm server,
            Load load,
            Runnable fail,
            Duration down,
            Runnable recover,
            Duration recoveryBound)
            throws Exception {
        Thread producer = Thread.ofPlatform().name("fault-load").start(load);
        awaitEnqueued(load, 60);
        long logBefore = Files.size(server.output());
        fail.run();
        holdFor(down);
        recover.run();
        Instant recovered = Instant.now();
        awaitEnqueued(load, load.enqueued.size() + 60);
        Set<UUID> enqueued = load.stop(producer);
        awaitDelivered(enqueued, recoveryBound);
        Duration recovery = Duration.between(recovered, Instant.now());
        long duplicates = receiver.requests().size() - delivered().size();
        long logBytes = Files.size(server.output()) - logBefore;
        System.out.printf(
                "fault: %s under load: %d enqueued, 0 lost, %d duplicates, all delivered %.1f s after it returned,"
                        + " %d bytes of log%n",
                fault, enqueued.size(), duplicates, recovery.toMillis() / 1000.0, logBytes);

        assertThat(duplicates).as("duplicates, at most the sends in flight").isLessThanOrEqualTo(MAX_INFLIGHT);
        assertThat(logBytes).as("log written during the fault and the recovery").isLessThan(LOG_BOUND_BYTES);
    }

    private static void assertSaidWhatWasWrongAndThatItWorksAgain(ChildJvm server) throws IOException {
        assertThat(Files.readString(server.output()))
                .as("the process said what was wrong, and that it works again")
                .contains("could not")
                .contains("works again after");
    }

    /** Every scenario delivers by webhook to the test's receiver; {@code more} flags come last and win. */
    private static String[] webhook(String... more) {
        List<String> all = new ArrayList<>(List.of(
                "--notifications-method=webhook",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                "--notifications-max-inflight-sends=" + MAX_INFLIGHT,
                "--notifications-fetch-interval=1s",
                "--reconciler-grace=5s"));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** The outage itself: nothing to await but time, which is what the scenario is about. */
    private static void holdFor(Duration down) throws InterruptedException {
        if (!down.isZero()) {
            Thread.sleep(down);
        }
    }

    private static void awaitEnqueued(Load load, int count) {
        Awaitility.await(count + " messages enqueued")
                .atMost(Duration.ofSeconds(60))
                .until(() -> load.enqueued.size() >= count);
    }

    private static void awaitDelivered(Set<UUID> enqueued, Duration bound) {
        Awaitility.await("every enqueued message delivered")
                .atMost(bound)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> delivered().containsAll(enqueued));
    }

    private static Map<UUID, Instant> firstDeliveries() {
        Map<UUID, Instant> first = new HashMap<>();
        for (HttpReceiver.Request request : receiver.requests()) {
            String id = request.header("X-Message-Id");
            if (id != null) {
                first.merge(UUID.fromString(id), request.receivedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        return first;
    }

    private static Set<UUID> delivered() {
        return receiver.requests().stream()
                .map(request -> request.header("X-Message-Id"))
                .filter(id -> id != null)
                .map(UUID::fromString)
                .collect(Collectors.toSet());
    }

    /** A producer enqueuing in its own transactions; while PostgreSQL is away its enqueues fail and are not counted. */
    private static final class Load implements Runnable {
        final Set<UUID> enqueued = ConcurrentHashMap.newKeySet();
        final Map<UUID, Instant> enqueuedAt = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        private final String url;
        private final UUID user;

        private final Duration pause;

        /** About 20 messages a second. */
        Load(String jdbcUrl, UUID user) {
            this(jdbcUrl, user, Duration.ofMillis(50));
        }

        /** One message, then {@code pause}, again and again. */
        Load(String jdbcUrl, UUID user, Duration pause) {
            this.pause = pause;
            this.url = jdbcUrl;
            this.user = user;
        }

        /** Stops enqueuing; returns every message that was enqueued. */
        Set<UUID> stop(Thread thread) throws InterruptedException {
            running.set(false);
            thread.join();
            return Set.copyOf(enqueued);
        }

        @Override
        public void run() {
            int n = 0;
            while (running.get()) {
                try (Connection connection = DriverManager.getConnection(url);
                        PreparedStatement enqueue = connection.prepareStatement(
                                "SELECT enqueue_notification_message(?, ?, ?::jsonb, '{}', 'fault-test')")) {
                    while (running.get()) {
                        enqueue.setObject(1, SystemTemplates.TEMPLATE_DELETED);
                        enqueue.setObject(2, user);
                        enqueue.setString(3, "{\"name\": \"ws-" + n++ + "\"}");
                        try (ResultSet row = enqueue.executeQuery()) {
                            row.next();
                            UUID id = row.getObject(1, UUID.class);
                            enqueuedAt.put(id, Instant.now());
                            enqueued.add(id);
                        }
                        Thread.sleep(pause);
                    }
                } catch (SQLException e) {
                    pause();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
