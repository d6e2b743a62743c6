package dev.herald.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.KafkaConfig;
import dev.herald.model.NotificationMethod;
import dev.herald.testing.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one token publisher against a real broker. */
class TokenPublisherTest {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private final TokenCodec codec = new TokenCodec();

    @Test
    void ensuresEveryTokenTopicWithTheConfiguredSizeAndLeavesExistingOnesAlone() throws Exception {
        String prefix = kafka.uniquePrefix("publisher-topics");
        TopicNames topics = new TopicNames(prefix);
        kafka.createTopic(topics.retry(), 1);
        try (TokenPublisher publisher = publisher(prefix, 3)) {
            publisher.ensureTopics();
            publisher.ensureTopics();
        }

        try (Admin admin = kafka.admin()) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics.workTopics()).allTopicNames().get();
            assertThat(described.get(topics.forMethod(NotificationMethod.SMTP)).partitions())
                    .hasSize(3);
            assertThat(described
                            .get(topics.forMethod(NotificationMethod.WEBHOOK))
                            .partitions())
                    .hasSize(3);
            assertThat(described.get(topics.retry()).partitions())
                    .as("an operator's own sizing is kept")
                    .hasSize(1);
        }
    }

    @Test
    void workTokensGoToTheirMethodsTopicAndRetryTokensToTheRetryTopicKeyedByMessage() {
        String prefix = kafka.uniquePrefix("publisher-routing");
        TopicNames topics = new TopicNames(prefix);
        WorkToken email = token(NotificationMethod.SMTP, null);
        WorkToken webhook = token(NotificationMethod.WEBHOOK, null);
        WorkToken retry = token(NotificationMethod.WEBHOOK, Instant.parse("2026-11-30T13:00:00Z"));
        try (TokenPublisher publisher = publisher(prefix, 2)) {
            publisher.ensureTopics();
            assertThat(publisher.publishAndWait(List.of(email, webhook), Duration.ofSeconds(30)))
                    .isEqualTo(2);
            publisher.scheduleRetry(retry).join();
        }

        assertThat(read(topics.forMethod(NotificationMethod.SMTP), 1))
                .singleElement()
                .satisfies(record -> {
                    assertThat(record.key()).isEqualTo(email.messageId().toString());
                    assertThat(decode(record)).isEqualTo(email);
                });
        assertThat(read(topics.forMethod(NotificationMethod.WEBHOOK), 1))
                .singleElement()
                .satisfies(record -> assertThat(decode(record)).isEqualTo(webhook));
        assertThat(read(topics.retry(), 1))
                .singleElement()
                .satisfies(record -> assertThat(decode(record)).isEqualTo(retry));
    }

    @Test
    void aClosedPublisherFailsItsSendsInsteadOfThrowing() {
        String prefix = kafka.uniquePrefix("publisher-closed");
        TokenPublisher publisher = publisher(prefix, 1);
        publisher.close();

        assertThat(publisher.publish(token(NotificationMethod.SMTP, null))).isCompletedExceptionally();
        assertThat(publisher.publishAndWait(Set.of(token(NotificationMethod.SMTP, null)), Duration.ofSeconds(1)))
                .isZero();
    }

    private TokenPublisher publisher(String prefix, int partitions) {
        return new TokenPublisher(
                kafka.bootstrapServers(),
                new KafkaConfig(
                        Optional.of(kafka.bootstrapServers()), prefix, partitions, 1, Duration.ofMinutes(5), Map.of()),
                "test-publisher");
    }

    private List<ConsumerRecord<String, String>> read(String topic, int expected) {
        return kafka.readRecords(List.of(topic), expected, Duration.ofSeconds(20));
    }

    private WorkToken decode(ConsumerRecord<String, String> record) {
        return codec.decode(record.value().getBytes(StandardCharsets.UTF_8));
    }

    private static WorkToken token(NotificationMethod method, Instant notBefore) {
        return new WorkToken(
                UUID.randomUUID(),
                method,
                UUID.randomUUID(),
                UUID.randomUUID(),
                Instant.parse("2026-11-30T12:00:00Z"),
                notBefore == null ? 0 : 1,
                notBefore);
    }
}
