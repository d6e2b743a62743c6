package dev.herald.dispatch;

import dev.herald.config.HeraldConfig;
import dev.herald.model.NotificationMethod;
import java.time.Duration;
import java.util.UUID;

/**
 * The settings of one dispatcher replica, derived from the configuration.
 *
 * @param clientId how Kafka names this replica's consumer: the group, then {@code @} and the process's id in the fleet
 *     registry when it runs in a registered process, so that the fleet view can tell replicas apart
 */
public record DispatchSettings(
        NotificationMethod method,
        String consumerGroup,
        Duration dispatchTimeout,
        Duration leasePeriod,
        int maxSendAttempts,
        int leaseCount,
        Duration storeSyncInterval,
        int storeSyncBufferSize,
        int maxInflightSends,
        Duration maxPollInterval,
        String clientId) {

    public static DispatchSettings from(HeraldConfig config, NotificationMethod method) {
        return from(config, method, "");
    }

    /** The settings of a replica running in the registered process {@code processId}. */
    public static DispatchSettings from(HeraldConfig config, NotificationMethod method, UUID processId) {
        return from(config, method, "@" + processId);
    }

    private static DispatchSettings from(HeraldConfig config, NotificationMethod method, String clientSuffix) {
        String group = config.kafka().groupPrefix() + "-dispatcher-" + method.sqlName();
        return new DispatchSettings(
                method,
                group,
                config.notifications().dispatchTimeout(),
                config.notifications().leasePeriod(),
                config.notifications().maxSendAttempts(),
                config.notifications().leaseCount(),
                config.notifications().storeSyncInterval(),
                config.notifications().storeSyncBufferSize(),
                config.notifications().maxInflightSends(),
                config.kafka().maxPollInterval(),
                group + clientSuffix);
    }
}
