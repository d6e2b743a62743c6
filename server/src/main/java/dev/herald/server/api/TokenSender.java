package dev.herald.server.api;

import dev.herald.config.KafkaConfig;
import dev.herald.kafka.KafkaClients;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a work token for a message the API just made claimable again (a re-drive). Should the token be lost,
 * the reconciler issues another; this only makes the re-drive immediate.
 */
final class TokenSender implements AutoCloseable {

    private final TopicNames topics;
    private final TokenCodec codec = new TokenCodec();
    private final KafkaProducer<String, byte[]> producer;

    TokenSender(String bootstrapServers, KafkaConfig kafka) {
        this.topics = new TopicNames(kafka.topicPrefix());
        Map<String, Object> properties = KafkaClients.baseProperties(bootstrapServers, kafka);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "herald-api");
        this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker; false when it could not (the reconciler will cover it). */
    boolean send(WorkToken token) {
        try {
            producer.send(new ProducerRecord<>(
                            topics.forMethod(token.method()), token.messageId().toString(), codec.encode(token)))
                    .get(10, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
