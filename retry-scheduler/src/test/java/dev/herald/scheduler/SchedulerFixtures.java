package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.config.RetrySchedulerConfig;
import dev.herald.model.NotificationMethod;
import dev.herald.testing.PostgresExtension;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenCodec;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Settings and token helpers the scheduler's tests share. */
final class SchedulerFixtures {

    private SchedulerFixtures() {}

    static KafkaConfig kafka(String bootstrapServers, String prefix) {
        // A killed member is noticed after 6 s rather than the default 45 s.
        return new KafkaConfig(
                Optional.of(bootstrapServers),
                prefix,
                2,
                1,
                Duration.ofMinutes(5),
                Map.of("session.timeout.ms", "6000"));
    }

    static RetryScheduler.Settings settings(
            String bootstrapServers, String prefix, String applicationId, Path stateDirectory) {
        return new RetryScheduler.Settings(
                bootstrapServers,
                kafka(bootstrapServers, prefix),
                new RetrySchedulerConfig(applicationId, 1, Duration.ofMinutes(1), 1000),
                Duration.ofMillis(100),
                stateDirectory);
    }

    /** The token publisher a process of these tests would share between its roles; the caller closes it. */
    static TokenPublisher publisher(String bootstrapServers, String prefix) {
        return new TokenPublisher(bootstrapServers, kafka(bootstrapServers, prefix), "scheduler-test");
    }

    /** A reconciler over the test's database and broker; the test decides whether it starts or calls runOnce. */
    static Reconciler reconciler(
            PostgresExtension postgres,
            String bootstrapServers,
            TokenPublisher publisher,
            String prefix,
            Duration grace,
            int batchSize,
            int maxAttempts,
            Duration retention,
            Clock clock) {
        return new Reconciler(
                new Reconciler.Settings(
                        kafka(bootstrapServers, prefix),
                        HeraldDatabase.url(postgres),
                        Duration.ofMillis(200),
                        grace,
                        batchSize,
                        maxAttempts,
                        retention),
                postgres.dataSource(),
                publisher,
                new MetricRegistry(),
                clock);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrapServers, "acks", "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    static WorkToken retryToken(NotificationMethod method, Instant notBefore) {
        return new WorkToken(
                UUID.randomUUID(),
                method,
                UUID.randomUUID(),
                UUID.randomUUID(),
                notBefore.minusSeconds(600),
                1,
                notBefore);
    }

    static void publishRetry(KafkaProducer<String, byte[]> producer, String prefix, WorkToken token) {
        producer.send(new ProducerRecord<>(
                new TopicNames(prefix).retry(), token.messageId().toString(), new TokenCodec().encode(token)));
    }
}
