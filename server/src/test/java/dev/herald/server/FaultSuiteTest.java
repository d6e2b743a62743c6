package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.RestartablePostgres;
import dev.herald.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
    private static final long LOG_BOUND_BYTES = 1024 * 1024;

    @TempDir
    Path work;

    @Test
    void postgresStoppedForThirtySecondsUnderLoad() throws Exception {
        outage(Duration.ofSeconds(30), Duration.ofSeconds(90));
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
        String[] webhook = {
            "--notifications-method=webhook",
            "--notifications-webhook-endpoint=" + receiver.url("/hook"),
            "--notifications-max-inflight-sends=" + MAX_INFLIGHT,
            "--notifications-fetch-interval=1s",
            "--reconciler-grace=5s",
            "--notifications-lease-period=10s",
            "--notifications-dispatch-timeout=5s",
            "--kafka-topic-partitions=6"
        };
        fleet.startProcess("producer,retry-scheduler", webhook);
        ChildJvm doomed = fleet.startProcess("dispatcher-webhook", webhook);
        fleet.startProcess("dispatcher-webhook", webhook);
        fleet.startProcess("dispatcher-webhook", webhook);
        UUID user = new TestData(fleet.postgres().dataSource()).user().insert();
        Load load = new Load(fleet.postgres().jdbcUrl(), user);
        Thread producer = Thread.ofPlatform().name("fault-load").start(load);

        awaitEnqueued(load, 100);
        long inflightAtKill = load.enqueued.size() - delivered().size();
        doomed.kill();
        Instant killed = Instant.now();
        awaitEnqueued(load, load.enqueued.size() + 300);
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

        assertThat(duplicates).as("duplicates, at most the sends in flight").isLessThanOrEqualTo(MAX_INFLIGHT);
        assertThat(p99).as("enqueue to delivered p99 across the failover").isLessThan(20_000);
    }

    /** Load at about 20 messages a second; PostgreSQL stopped for {@code down}, then started again. */
    private void outage(Duration down, Duration recoveryBound) throws Exception {
        try (RestartablePostgres postgres = RestartablePostgres.start(work.resolve("postgres"))) {
            ChildJvm server = fleet.startProcess(
                    "producer,dispatcher-webhook,retry-scheduler",
                    "--postgres-url=" + postgres.url(),
                    "--notifications-method=webhook",
                    "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                    "--notifications-max-inflight-sends=" + MAX_INFLIGHT,
                    "--notifications-fetch-interval=1s",
                    "--reconciler-grace=5s");
            UUID user = new TestData(postgres.dataSource()).user().insert();
            Load load = new Load(
                    "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres?user=postgres&connectTimeout=2",
                    user);
            Thread producer = Thread.ofPlatform().name("fault-load").start(load);

            awaitEnqueued(load, 60);
            long logBefore = Files.size(server.output());
            postgres.stop();
            holdFor(down);
            postgres.restart();
            Instant restarted = Instant.now();
            awaitEnqueued(load, load.enqueued.size() + 60);
            Set<UUID> enqueued = load.stop(producer);
            awaitDelivered(enqueued, recoveryBound);
            Duration recovery = Duration.between(restarted, Instant.now());
            long lost =
                    enqueued.stream().filter(id -> !delivered().contains(id)).count();
            long duplicates = receiver.requests().size() - delivered().size();
            long logBytes = Files.size(server.output()) - logBefore;
            System.out.printf(
                    "fault: PostgreSQL down %d s under load: %d enqueued, %d lost, %d duplicates, all delivered %.1f s"
                            + " after it returned, %d bytes of log%n",
                    down.toSeconds(), enqueued.size(), lost, duplicates, recovery.toMillis() / 1000.0, logBytes);

            assertThat(lost).isZero();
            assertThat(duplicates).as("duplicates, at most the sends in flight").isLessThanOrEqualTo(MAX_INFLIGHT);
            assertThat(logBytes)
                    .as("log written during the outage and the recovery")
                    .isLessThan(LOG_BOUND_BYTES);
            assertThat(Files.readString(server.output()))
                    .as("the process said what was wrong, and that it works again")
                    .containsPattern("could not .*(Connection|connect|refused|terminat)")
                    .contains("works again after");
        }
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

        Load(String jdbcUrl, UUID user) {
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
                        Thread.sleep(50);
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
