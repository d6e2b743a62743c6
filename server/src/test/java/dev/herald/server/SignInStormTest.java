package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 40 clients, each from its own address, hammer the sign-in form with wrong passwords while messages flow through a
 * whole fleet in one process. Nothing may answer 5xx, the door must push back with 429, readiness and an authenticated
 * API call must keep answering, and every message must still be delivered. The latencies and the delivery pace during
 * the storm are printed (speed is measured, never asserted: these machines are noisy).
 */
class SignInStormTest {

    private static final int CLIENTS = 40;
    private static final Duration STORM = Duration.ofSeconds(15);
    private static final int MESSAGES_PER_SECOND = 20;

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("storm");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();

    @Test
    void aSignInStormNeitherFailsNorDelaysReadinessTheApiOrDelivery() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("olive@example.com", "olive", "Olive Owner", Set.of(UserRole.OWNER));
        users.setPasswordHash(owner.id(), Passwords.hash("correct horse battery"));
        String key = users.createKey(owner.id(), "storm", Instant.now(), Duration.ofDays(1));
        HeraldServer server = fleet.start(
                "producer,dispatcher-webhook,retry-scheduler,api",
                "--notifications-method=webhook",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"));
        int port = server.apiPort().orElseThrow();

        Map<Integer, AtomicInteger> signInAnswers = new ConcurrentHashMap<>();
        List<Long> readyMillis = Collections.synchronizedList(new ArrayList<>());
        List<Long> apiMillis = Collections.synchronizedList(new ArrayList<>());
        List<Integer> probeStatuses = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean storming = new AtomicBoolean(true);
        AtomicInteger retryAfterMissing = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
        for (int client = 0; client < CLIENTS; client++) {
            RawHttp attacker = new RawHttp(port, "127.0.2." + (client + 1));
            int n = client;
            pool.submit(() -> {
                int attempt = 0;
                while (storming.get()) {
                    String username = attempt % 2 == 0 ? "olive" : "nobody-" + n + "-" + attempt;
                    RawHttp.Answer answer = SignInTest.signIn(attacker, username, "wrong-" + attempt++, Map.of());
                    signInAnswers
                            .computeIfAbsent(answer.status(), s -> new AtomicInteger())
                            .incrementAndGet();
                    if (answer.status() == 429 && answer.header("Retry-After") == null) {
                        retryAfterMissing.incrementAndGet();
                    }
                }
            });
        }
        RawHttp probe = new RawHttp(port);
        pool.submit(() -> {
            while (storming.get()) {
                long start = System.nanoTime();
                probeStatuses.add(probe.get("/readyz", Map.of()).status());
                readyMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                start = System.nanoTime();
                probeStatuses.add(probe.get("/api/v2/users/me", Map.of("Coder-Session-Token", key))
                        .status());
                apiMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                sleep(100);
            }
        });

        long stormStart = System.nanoTime();
        int enqueued = 0;
        while (System.nanoTime() - stormStart < STORM.toNanos()) {
            for (int i = 0; i < MESSAGES_PER_SECOND / 10; i++) {
                enqueue(owner, enqueued++);
            }
            sleep(100);
        }
        int deliveredDuringStorm = receiver.requests().size();
        storming.set(false);
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        int total = enqueued;
        Awaitility.await("every message enqueued during the storm is delivered")
                .atMost(Duration.ofSeconds(60))
                .until(() -> receiver.requests().size() >= total);

        System.out.printf(
                "sign-in storm: %d clients for %d s; sign-in answers %s; /readyz p50 %d ms, max %d ms; API call p50 %d"
                        + " ms, max %d ms; %d of %d messages delivered during the storm (%d offered a second)%n",
                CLIENTS,
                STORM.toSeconds(),
                signInAnswers,
                percentile(readyMillis, 50),
                percentile(readyMillis, 100),
                percentile(apiMillis, 50),
                percentile(apiMillis, 100),
                deliveredDuringStorm,
                total,
                MESSAGES_PER_SECOND);
        assertThat(signInAnswers.keySet()).allMatch(status -> status < 500, "no sign-in answered 5xx");
        assertThat(signInAnswers).containsKey(429);
        assertThat(retryAfterMissing).hasValue(0);
        assertThat(probeStatuses).isNotEmpty().containsOnly(200);
        assertThat(readyMillis).hasSizeGreaterThan(10);
        assertThat(receiver.requests()).hasSizeGreaterThanOrEqualTo(total);
    }

    private static void enqueue(User user, int n) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, '{}'::jsonb, jsonb_build_object('n', ?), 'storm')")) {
            statement.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            statement.setObject(2, user.id());
            statement.setInt(3, n);
            statement.executeQuery().close();
        }
    }

    private static long percentile(List<Long> values, int percentile) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, index));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
