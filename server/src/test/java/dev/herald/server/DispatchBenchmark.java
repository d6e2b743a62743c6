package dev.herald.server;

import com.codahale.metrics.Snapshot;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.SmtpServer;
import dev.herald.testing.TestData;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a test: prints dispatch throughput and send latency for 20,000 webhooks to a local receiver and 5,000 emails to
 * a local SMTP server, with one and then two dispatcher instances in one consumer group. Run with {@code ./mvnw -B
 * -pl server -am test -Dgroups=benchmark -Dherald.test.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dtest=DispatchBenchmark}.
 */
@Tag("benchmark")
class DispatchBenchmark {

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("bench");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final KafkaExtension kafka = fleet.kafka();
    private static final HttpReceiver receiver = fleet.receiver();
    private static final SmtpServer smtp = fleet.smtp();

    @Test
    void webhookAndEmailDispatch() throws Exception {
        UUID user = new TestData(postgres.dataSource()).user().insert();
        List<String> results = new ArrayList<>();
        for (int instances : new int[] {1, 2}) {
            results.add(run(NotificationMethod.WEBHOOK, 20_000, instances, user));
            results.add(run(NotificationMethod.SMTP, 5_000, instances, user));
        }
        System.out.println("--- dispatch benchmark ---");
        results.forEach(System.out::println);
    }

    private String run(NotificationMethod method, int messages, int instances, UUID user) throws Exception {
        postgres.execute("TRUNCATE notification_messages");
        receiver.reset();
        smtp.reset();
        fleet.renew();
        String role = "dispatcher-" + method.sqlName();
        String[] flags = {
            "--notifications-webhook-endpoint=" + receiver.url("/hook"),
            "--notifications-email-smarthost=127.0.0.1:" + smtp.port(),
            "--notifications-store-sync-interval=500ms",
            "--notifications-max-inflight-sends=64"
        };
        List<HeraldServer> servers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            servers.add(fleet.start(role, flags));
        }
        List<WorkToken> tokens = insertRows(method, messages, user);
        Instant start = Instant.now();
        publish(fleet.topicPrefix(), tokens);
        Awaitility.await(messages + " " + method + " messages sent")
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> sent() == messages);
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        StringBuilder latency = new StringBuilder();
        for (HeraldServer server : servers) {
            Snapshot send = server.resources()
                    .registry()
                    .timer("herald_notifications_dispatcher_send_seconds." + method.sqlName())
                    .getSnapshot();
            latency.append(String.format(
                    " [p50 %.1f ms, p99 %.1f ms]",
                    send.getMedian() / TimeUnit.MILLISECONDS.toNanos(1),
                    send.get99thPercentile() / TimeUnit.MILLISECONDS.toNanos(1)));
        }
        return String.format(
                "%-7s %6d messages, %d instance(s): %7.0f msg/s (%.1f s); send latency per instance%s",
                method.sqlName(), messages, instances, messages / seconds, seconds, latency);
    }

    /** Rows in one statement, each with a real payload, and the tokens the relay would have written for them. */
    private static List<WorkToken> insertRows(NotificationMethod method, int count, UUID user) throws Exception {
        TestData data = new TestData(postgres.dataSource());
        UUID model = data.enqueueWithRequiredLabels(SystemTemplates.TEST_NOTIFICATION, user, "{}");
        List<WorkToken> tokens = new ArrayList<>();
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO notification_messages
                            (notification_template_id, user_id, method, created_by, payload)
                        SELECT m.notification_template_id, m.user_id, ?::notification_method, 'benchmark',
                               jsonb_set(m.payload, '{data}', jsonb_build_object('n', g))
                        FROM notification_messages m, generate_series(1, ?) g
                        WHERE m.id = ?
                        RETURNING id, notification_template_id, user_id, created_at
                        """)) {
            insert.setString(1, method.sqlName());
            insert.setInt(2, count);
            insert.setObject(3, model);
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    tokens.add(new WorkToken(
                            rows.getObject(1, UUID.class),
                            method,
                            rows.getObject(2, UUID.class),
                            rows.getObject(3, UUID.class),
                            rows.getObject(4, java.time.OffsetDateTime.class).toInstant(),
                            0));
                }
            }
        }
        postgres.execute("DELETE FROM notification_messages WHERE id = '" + model + "'");
        return tokens;
    }

    private static void publish(String prefix, List<WorkToken> tokens) {
        TokenCodec codec = new TokenCodec();
        String topic = new TopicNames(prefix).forMethod(tokens.getFirst().method());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5),
                new StringSerializer(),
                new ByteArraySerializer())) {
            for (WorkToken token : tokens) {
                producer.send(new ProducerRecord<>(topic, token.messageId().toString(), codec.encode(token)));
            }
        }
    }

    private static long sent() throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM notification_messages WHERE status = 'sent'");
                ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }
}
