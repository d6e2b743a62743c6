package dev.herald.dispatch;

import dev.herald.config.HeraldConfig;
import dev.herald.model.NotificationMethod;
import java.time.Duration;

/** The settings of one dispatcher replica, derived from the configuration. */
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
        Duration maxPollInterval) {

    public static DispatchSettings from(HeraldConfig config, NotificationMethod method) {
        return new DispatchSettings(
                method,
                config.kafka().groupPrefix() + "-dispatcher-" + method.sqlName(),
                config.notifications().dispatchTimeout(),
                config.notifications().leasePeriod(),
                config.notifications().maxSendAttempts(),
                config.notifications().leaseCount(),
                config.notifications().storeSyncInterval(),
                config.notifications().storeSyncBufferSize(),
                config.notifications().maxInflightSends(),
                config.kafka().maxPollInterval());
    }
}
