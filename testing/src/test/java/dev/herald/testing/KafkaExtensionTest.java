package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaExtensionTest {

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    @Test
    void aRealBrokerTakesAndGivesRecords() throws Exception {
        String topic = kafka.uniquePrefix("fixture") + ".smtp";
        kafka.createTopic(topic, 3);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true),
                new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i))
                        .get();
            }
        }

        List<ConsumerRecord<String, String>> records = kafka.readRecords(List.of(topic), 10, Duration.ofSeconds(30));

        assertThat(records).extracting(ConsumerRecord::key).hasSize(10).contains("key-0", "key-9");
    }
}
