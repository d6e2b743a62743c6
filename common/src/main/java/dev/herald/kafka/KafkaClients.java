package dev.herald.kafka;

import dev.herald.config.KafkaConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** What every Kafka client of Herald shares: where the brokers are and the operator's pass-through properties. */
public final class KafkaClients {

    private KafkaClients() {}

    /**
     * While the brokers are away every client logs each failed reconnect; Kafka's 1 s cap on the reconnect backoff
     * makes that a line a second per client. Herald's clients back off to 5 s instead (a returning broker is found
     * within 5 s); {@code --kafka-property reconnect.backoff.max.ms=...} changes it.
     */
    public static final Map<String, String> QUIET_RECONNECTS =
            Map.of(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");

    /** Bootstrap servers plus every {@code --kafka-property}; callers add their own settings on top. */
    public static Map<String, Object> baseProperties(String bootstrapServers, KafkaConfig config) {
        Map<String, Object> properties = new HashMap<>(QUIET_RECONNECTS);
        properties.putAll(config.clientProperties());
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }
}
