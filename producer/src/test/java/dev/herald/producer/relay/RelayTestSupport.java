package dev.herald.producer.relay;

import dev.herald.config.KafkaConfig;
import dev.herald.config.RelayConfig;
import dev.herald.db.DatabaseUrl;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** Wiring shared by the relay tests: settings for a test database and broker, and a writer of messages. */
final class RelayTestSupport {

    private static final AtomicInteger SLOTS = new AtomicInteger();

    private RelayTestSupport() {}

    static String uniqueSlot() {
        return "herald_test_relay_" + SLOTS.incrementAndGet() + "_"
                + ProcessHandle.current().pid();
    }

    static DatabaseUrl databaseUrl(PostgresExtension postgres) {
        return HeraldDatabase.url(postgres);
    }

    static CdcRelay.Settings settings(
            PostgresExtension postgres, KafkaExtension kafka, String topicPrefix, String slot) {
        KafkaConfig kafkaConfig = new KafkaConfig(
                Optional.of(kafka.bootstrapServers()), topicPrefix, 3, 1, Duration.ofMinutes(5), Map.of());
        return new CdcRelay.Settings(
                databaseUrl(postgres),
                kafka.bootstrapServers(),
                kafkaConfig,
                new RelayConfig(slot, Duration.ofSeconds(1)),
                Duration.ofMillis(200));
    }

    /** The token publisher a relay of these settings would be given by its process. */
    static TokenPublisher publisher(CdcRelay.Settings settings) {
        return new TokenPublisher(settings.bootstrapServers(), settings.kafka(), "relay-test");
    }

    /** Routes Template Deleted to webhook and leaves Test Notification on the default (smtp). */
    static void routeTemplateDeletedToWebhook(PostgresExtension postgres) {
        postgres.execute("UPDATE notification_templates SET method = 'webhook' WHERE id = '"
                + SystemTemplates.TEMPLATE_DELETED + "'");
    }

    /** Enqueues {@code count} distinct messages in transactions of {@code batch}, alternating the two methods. */
    static Map<UUID, NotificationMethod> enqueue(
            PostgresExtension postgres, UUID user, String run, int count, int batch) throws SQLException {
        Enqueuer enqueuer = new Enqueuer(postgres.dataSource());
        Map<UUID, NotificationMethod> ids = new java.util.LinkedHashMap<>();
        int written = 0;
        while (written < count) {
            try (Connection transaction = postgres.dataSource().getConnection()) {
                transaction.setAutoCommit(false);
                List<Map.Entry<UUID, NotificationMethod>> inThisBatch = new ArrayList<>();
                for (int i = 0; i < batch && written < count; i++, written++) {
                    boolean webhook = written % 2 == 1;
                    EnqueueRequest request = webhook
                            ? EnqueueRequest.of(
                                    SystemTemplates.TEMPLATE_DELETED,
                                    user,
                                    Map.of("name", run + "-" + written),
                                    "relay-test")
                            : EnqueueRequest.of(
                                    SystemTemplates.TEST_NOTIFICATION,
                                    user,
                                    Map.of("n", run + "-" + written),
                                    "relay-test");
                    EnqueueResult result = enqueuer.enqueue(transaction, request);
                    inThisBatch.add(Map.entry(
                            ((EnqueueResult.Enqueued) result).messageId(),
                            webhook ? NotificationMethod.WEBHOOK : NotificationMethod.SMTP));
                }
                transaction.commit();
                inThisBatch.forEach(entry -> ids.put(entry.getKey(), entry.getValue()));
            }
        }
        return ids;
    }
}
