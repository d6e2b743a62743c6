package dev.herald.producer.relay;

import dev.herald.model.NotificationMethod;
import dev.herald.testing.KafkaExtension;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;

/** Reads both work topics from the beginning, in the background, and counts the tokens of every message id. */
final class TokenCollector implements AutoCloseable {

    /** What arrived for one message id: how often, on which topic, and the decoded token. */
    record Seen(int count, String topic, WorkToken token) {}

    private final Map<UUID, Seen> seen = new ConcurrentHashMap<>();
    private final TokenCodec codec = new TokenCodec();
    private final Thread thread;
    private volatile boolean running = true;

    TokenCollector(KafkaExtension kafka, TopicNames topics) {
        KafkaConsumer<String, String> consumer = kafka.newConsumer();
        consumer.subscribe(
                List.of(topics.forMethod(NotificationMethod.SMTP), topics.forMethod(NotificationMethod.WEBHOOK)));
        thread = Thread.ofPlatform().name("token-collector").start(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        WorkToken token = codec.decode(record.value().getBytes(StandardCharsets.UTF_8));
                        if (!token.messageId().toString().equals(record.key())) {
                            throw new AssertionError("key " + record.key() + " is not the message id of " + token);
                        }
                        seen.merge(
                                token.messageId(),
                                new Seen(1, record.topic(), token),
                                (old, one) -> new Seen(old.count() + 1, old.topic(), old.token()));
                    }
                }
            }
        });
    }

    /** Waits until every id has arrived at least once; fails naming how many are missing. */
    void awaitAll(Collection<UUID> ids, Duration timeout) {
        Awaitility.await("tokens for all " + ids.size() + " messages")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> missing(ids).isEmpty());
    }

    Set<UUID> missing(Collection<UUID> ids) {
        return ids.stream().filter(id -> !seen.containsKey(id)).collect(Collectors.toSet());
    }

    /** Tokens beyond the first for each id. */
    long duplicates() {
        return seen.values().stream().mapToLong(s -> s.count() - 1).sum();
    }

    Map<UUID, Seen> seen() {
        return Map.copyOf(seen);
    }

    int distinct() {
        return seen.size();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
