package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import dev.herald.model.NotificationMethod;
import java.time.Duration;

/** How messages are leased, sent, retried and kept: the settings every dispatcher and the scheduler share. */
public record NotificationsConfig(
        NotificationMethod method,
        Duration dispatchTimeout,
        int maxSendAttempts,
        Duration fetchInterval,
        Duration retryInterval,
        RetryPolicyKind retryPolicy,
        Duration retryMaxInterval,
        Duration leasePeriod,
        int leaseCount,
        Duration storeSyncInterval,
        int storeSyncBufferSize,
        Duration retention,
        int maxInflightSends,
        boolean inboxEnabled) {

    static NotificationsConfig from(SettingValues values) {
        NotificationsConfig config = new NotificationsConfig(
                values.get(METHOD),
                values.get(DISPATCH_TIMEOUT),
                values.get(MAX_SEND_ATTEMPTS),
                values.get(FETCH_INTERVAL),
                values.get(RETRY_INTERVAL),
                values.get(RETRY_POLICY),
                values.get(RETRY_MAX_INTERVAL),
                values.get(LEASE_PERIOD),
                values.get(LEASE_COUNT),
                values.get(STORE_SYNC_INTERVAL),
                values.get(STORE_SYNC_BUFFER_SIZE),
                values.get(RETENTION),
                values.get(MAX_INFLIGHT_SENDS),
                values.get(INBOX_ENABLED));
        // A send that outlives its lease could be taken over and sent a second time by another dispatcher.
        if (config.dispatchTimeout().compareTo(config.leasePeriod()) >= 0) {
            values.problem(DISPATCH_TIMEOUT.displayName() + " (" + GoDuration.format(config.dispatchTimeout())
                    + ") must be shorter than " + LEASE_PERIOD.displayName() + " ("
                    + GoDuration.format(config.leasePeriod())
                    + "). Fix: lower the dispatch timeout or raise the lease period.");
        }
        if (config.retryMaxInterval().compareTo(config.retryInterval()) < 0) {
            values.problem(RETRY_MAX_INTERVAL.displayName() + " (" + GoDuration.format(config.retryMaxInterval())
                    + ") is shorter than " + RETRY_INTERVAL.displayName() + " ("
                    + GoDuration.format(config.retryInterval())
                    + "). Fix: raise the maximum retry interval or lower the retry interval.");
        }
        return config;
    }
}
