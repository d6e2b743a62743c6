package dev.herald.kafka;

import dev.herald.config.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** What every Kafka client of Herald shares: where the brokers are and the operator's pass-through properties. */
public final class KafkaClients {

    private KafkaClients() {}

    /** Bootstrap servers plus every {@code --kafka-property}; callers add their own settings on top. */
    public static Map<String, Object> baseProperties(String bootstrapServers, KafkaConfig config) {
        Map<String, Object> properties = new HashMap<>(config.clientProperties());
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }
}
