package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** How Herald reaches Kafka and names and sizes its topics. */
public record KafkaConfig(
        Optional<String> bootstrapServers,
        String topicPrefix,
        int topicPartitions,
        int topicReplicationFactor,
        String groupPrefix,
        Duration maxPollInterval,
        Duration sessionTimeout,
        Map<String, String> clientProperties) {

    /** The default consumer group prefix and session timeout; for tests and tools that do not read the configuration. */
    public KafkaConfig(
            Optional<String> bootstrapServers,
            String topicPrefix,
            int topicPartitions,
            int topicReplicationFactor,
            Duration maxPollInterval,
            Map<String, String> clientProperties) {
        this(
                bootstrapServers,
                topicPrefix,
                topicPartitions,
                topicReplicationFactor,
                "herald",
                maxPollInterval,
                Duration.ofSeconds(10),
                clientProperties);
    }

    private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    /**
     * The group membership settings of every Herald consumer: a member that stops answering loses its partitions
     * after the session timeout; heartbeats go every third of it. A {@code --kafka-property} naming either wins.
     */
    public Map<String, Object> membership() {
        return Map.of(
                "session.timeout.ms",
                clientProperties.getOrDefault("session.timeout.ms", String.valueOf(sessionTimeout.toMillis())),
                "heartbeat.interval.ms",
                clientProperties.getOrDefault(
                        "heartbeat.interval.ms", String.valueOf(Math.max(1, sessionTimeout.toMillis() / 3))));
    }

    /** True when no brokers were named, so that {@code herald server} starts its own. */
    public boolean embedded() {
        return bootstrapServers.isEmpty();
    }

    static KafkaConfig from(SettingValues values) {
        Map<String, String> properties = values.get(KAFKA_PROPERTIES);
        KafkaConfig config = new KafkaConfig(
                values.optional(KAFKA_BOOTSTRAP_SERVERS),
                values.get(KAFKA_TOPIC_PREFIX),
                values.get(KAFKA_TOPIC_PARTITIONS),
                values.get(KAFKA_TOPIC_REPLICATION_FACTOR),
                values.get(KAFKA_GROUP_PREFIX),
                values.get(KAFKA_MAX_POLL_INTERVAL),
                values.get(KAFKA_SESSION_TIMEOUT),
                properties == null ? Map.of() : properties);
        if (!TOPIC_PREFIX.matcher(config.topicPrefix()).matches()) {
            values.problem(KAFKA_TOPIC_PREFIX.displayName() + ": \"" + config.topicPrefix()
                    + "\" cannot start a Kafka topic name. Fix: use letters, digits, '.', '_' and '-' only.");
        }
        if (!TOPIC_PREFIX.matcher(config.groupPrefix()).matches()) {
            values.problem(KAFKA_GROUP_PREFIX.displayName() + ": \"" + config.groupPrefix()
                    + "\" cannot name a consumer group. Fix: use letters, digits, '.', '_' and '-' only.");
        }
        return config;
    }

    /** Property values may hold credentials (sasl.jaas.config), so only their names are shown. */
    @Override
    public String toString() {
        return "KafkaConfig[bootstrapServers=" + bootstrapServers.orElse("(embedded)") + ", topicPrefix="
                + topicPrefix + ", topicPartitions=" + topicPartitions + ", topicReplicationFactor="
                + topicReplicationFactor + ", groupPrefix=" + groupPrefix + ", maxPollInterval="
                + GoDuration.format(maxPollInterval) + ", sessionTimeout=" + GoDuration.format(sessionTimeout)
                + ", clientProperties=" + clientProperties.keySet() + "]";
    }
}
