package dev.herald.producer.relay;

import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends work tokens to the topic of their method, keyed by message id so that every token of one message lands in
 * one partition. Idempotent with {@code acks=all}: a token counts as sent only once every in-sync replica has it.
 */
final class TokenPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final TopicNames topics;
    private final TokenCodec codec = new TokenCodec();

    TokenPublisher(Map<String, Object> baseProperties, TopicNames topics) {
        Map<String, Object> properties = new HashMap<>(baseProperties);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "herald-relay");
        this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    Future<RecordMetadata> publish(WorkToken token) {
        return producer.send(new ProducerRecord<>(
                topics.forMethod(token.method()), token.messageId().toString(), codec.encode(token)));
    }

    @Override
    public void close() {
        producer.close();
    }
}
