package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: prints retry timer lateness for 10,000 timers and reconciler throughput on a backlog of 100,000 overdue
 * rows. Run with {@code ./mvnw -B -pl retry-scheduler -am test -Dgroups=benchmark -Dherald.test.excludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SchedulerBenchmark}.
 */
@Tag("benchmark")
class SchedulerBenchmark {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @TempDir
    Path stateDirectory;

    @Test
    void timerLateness() throws Exception {
        int timers = 10_000;
        String prefix = kafka.uniquePrefix("timer-bench");
        TopicNames topics = new TopicNames(prefix);
        Map<UUID, Instant> due = new ConcurrentHashMap<>();
        Map<UUID, Instant> received = new ConcurrentHashMap<>();
        try (TokenPublisher publisher = SchedulerFixtures.publisher(kafka.bootstrapServers(), prefix);
                RetryScheduler scheduler = new RetryScheduler(
                        SchedulerFixtures.settings(kafka.bootstrapServers(), prefix, prefix + "-app", stateDirectory),
                        publisher,
                        new MetricRegistry(),
                        Clock.systemUTC())) {
            scheduler.start();
            Awaitility.await().atMost(Duration.ofSeconds(90)).until(scheduler::ready);
            Thread collector = Thread.ofPlatform().start(() -> {
                try (KafkaConsumer<String, String> consumer = kafka.newConsumer()) {
                    consumer.subscribe(List.of(
                            topics.forMethod(NotificationMethod.SMTP), topics.forMethod(NotificationMethod.WEBHOOK)));
                    while (received.size() < timers && !Thread.currentThread().isInterrupted()) {
                        consumer.poll(Duration.ofMillis(20))
                                .forEach(record -> received.putIfAbsent(UUID.fromString(record.key()), Instant.now()));
                    }
                }
            });
            Instant first = Instant.now().plusSeconds(5);
            try (KafkaProducer<String, byte[]> producer = SchedulerFixtures.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < timers; i++) {
                    NotificationMethod method = i % 2 == 0 ? NotificationMethod.SMTP : NotificationMethod.WEBHOOK;
                    WorkToken token = SchedulerFixtures.retryToken(method, first.plusMillis(i));
                    due.put(token.messageId(), token.notBefore());
                    SchedulerFixtures.publishRetry(producer, prefix, token);
                }
            }
            collector.join(Duration.ofMinutes(3));
            collector.interrupt();
        }
        long[] lateness = received.entrySet().stream()
                .mapToLong(entry -> Duration.between(due.get(entry.getKey()), entry.getValue())
                        .toMillis())
                .sorted()
                .toArray();
        System.out.printf(
                "--- retry timers: %d of %d fired; lateness as seen by a consumer: min %d ms, p50 %d ms, p99 %d ms,"
                        + " max %d ms; fired early: %d%n",
                lateness.length,
                timers,
                lateness[0],
                lateness[lateness.length / 2],
                lateness[(int) (lateness.length * 0.99)],
                lateness[lateness.length - 1],
                Arrays.stream(lateness).filter(ms -> ms < 0).count());
    }

    @Test
    void reconcilerThroughput() throws Exception {
        int rows = 100_000;
        String prefix = kafka.uniquePrefix("reconcile-bench");
        for (String topic : new TopicNames(prefix).workTopics()) {
            kafka.createTopic(topic, 6);
        }
        UUID user = new TestData(postgres.dataSource()).user().insert();
        Instant now = Instant.now();
        postgres.execute("INSERT INTO notification_messages (notification_template_id, user_id, method, status,"
                + " created_by, payload, attempt_count, created_at, updated_at, next_retry_after, status_reason)"
                + " SELECT '" + SystemTemplates.TEST_NOTIFICATION + "', '" + user + "', 'webhook',"
                + " 'temporary_failure', 'benchmark', jsonb_build_object('n', g), 1, now() - interval '1 hour',"
                + " now() - interval '30 minutes', now() - interval '20 minutes', 'HTTP 503'"
                + " FROM generate_series(1, " + rows + ") g");
        postgres.execute("ANALYZE notification_messages");
        try (TokenPublisher publisher = SchedulerFixtures.publisher(kafka.bootstrapServers(), prefix);
                Reconciler reconciler = SchedulerFixtures.reconciler(
                        postgres,
                        kafka.bootstrapServers(),
                        publisher,
                        prefix,
                        Duration.ofMinutes(1),
                        1000,
                        5,
                        Duration.ofDays(7),
                        Clock.systemUTC())) {
            long started = System.nanoTime();
            Reconciler.Report report = reconciler.runOnce();
            double seconds = (System.nanoTime() - started) / 1e9;
            long startedIdle = System.nanoTime();
            Reconciler.Report idle = reconciler.runOnce();
            double idleSeconds = (System.nanoTime() - startedIdle) / 1e9;
            System.out.printf(
                    "--- reconciler: re-drove %d overdue rows (tokens acknowledged by Kafka) in %.1f s = %.0f rows/s,"
                            + " batches of 1000; the next pass over the same just-re-driven backlog took %.2f s and"
                            + " re-drove %d%n",
                    report.redriven().get(Stall.RETRY_OVERDUE),
                    seconds,
                    report.redriven().get(Stall.RETRY_OVERDUE) / seconds,
                    idleSeconds,
                    idle.redrivenTotal());
        }
    }
}
