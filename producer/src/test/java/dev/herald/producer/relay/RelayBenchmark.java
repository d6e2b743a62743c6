package dev.herald.producer.relay;

import static dev.herald.producer.relay.RelayTestSupport.*;

import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a test: prints enqueue throughput and commit-to-Kafka latency for 50,000 messages. Run with
 * {@code ./mvnw -B -pl producer -am test -Dgroups=benchmark -Dherald.test.excludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class RelayBenchmark {

    private static final int MESSAGES = 50_000;
    private static final int PER_TRANSACTION = 100;

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @Test
    void enqueueThroughputAndCommitToKafkaLatency() throws Exception {
        String prefix = kafka.uniquePrefix("bench");
        TopicNames topics = new TopicNames(prefix);
        routeTemplateDeletedToWebhook(postgres);
        UUID user = new TestData(postgres.dataSource()).user().insert();
        Map<UUID, Long> committedAt = new ConcurrentHashMap<>();
        Map<UUID, Long> receivedAt = new ConcurrentHashMap<>();

        CdcRelay.Settings settings = settings(postgres, kafka, prefix, uniqueSlot());
        try (TokenPublisher publisher = publisher(settings);
                CdcRelay relay = new CdcRelay(settings, publisher, new MetricRegistry(), Clock.systemUTC())) {
            relay.start();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(relay::isStreaming);
            Thread consumer = Thread.ofPlatform().start(() -> consume(topics, receivedAt));

            Enqueuer enqueuer = new Enqueuer(postgres.dataSource());
            long start = System.nanoTime();
            for (int written = 0; written < MESSAGES; ) {
                List<UUID> batch = new ArrayList<>(PER_TRANSACTION);
                try (Connection transaction = postgres.dataSource().getConnection()) {
                    transaction.setAutoCommit(false);
                    for (int i = 0; i < PER_TRANSACTION; i++, written++) {
                        UUID template =
                                written % 2 == 0 ? SystemTemplates.TEST_NOTIFICATION : SystemTemplates.TEMPLATE_DELETED;
                        EnqueueResult result = enqueuer.enqueue(
                                transaction,
                                EnqueueRequest.of(
                                        template, user, Map.of("n", "b" + written, "name", "b" + written), "bench"));
                        batch.add(((EnqueueResult.Enqueued) result).messageId());
                    }
                    transaction.commit();
                }
                long now = System.nanoTime();
                batch.forEach(id -> committedAt.put(id, now));
            }
            double seconds = (System.nanoTime() - start) / 1e9;

            Awaitility.await()
                    .atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> receivedAt.keySet().containsAll(committedAt.keySet()));
            consumer.interrupt();

            long[] latencies = committedAt.entrySet().stream()
                    .mapToLong(entry -> receivedAt.get(entry.getKey()) - entry.getValue())
                    .sorted()
                    .toArray();
            System.out.printf(
                    "BENCHMARK relay: %d messages in transactions of %d; enqueue %.0f msg/s (%.1f s);"
                            + " commit->consumer latency p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d webhook, %d smtp%n",
                    MESSAGES,
                    PER_TRANSACTION,
                    MESSAGES / seconds,
                    seconds,
                    percentile(latencies, 0.50),
                    percentile(latencies, 0.99),
                    latencies[latencies.length - 1] / 1e6,
                    relay.relayedCount(NotificationMethod.WEBHOOK),
                    relay.relayedCount(NotificationMethod.SMTP));
        }
    }

    private static void consume(TopicNames topics, Map<UUID, Long> receivedAt) {
        try (KafkaConsumer<String, String> consumer = kafka.newConsumer()) {
            consumer.subscribe(Arrays.asList(
                    topics.forMethod(NotificationMethod.SMTP), topics.forMethod(NotificationMethod.WEBHOOK)));
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    receivedAt.putIfAbsent(UUID.fromString(record.key()), System.nanoTime());
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // The benchmark is over.
        }
    }

    private static double percentile(long[] sortedNanos, double quantile) {
        int index = (int) Math.min(sortedNanos.length - 1, Math.ceil(quantile * sortedNanos.length) - 1);
        return sortedNanos[Math.max(0, index)] / 1e6;
    }
}
