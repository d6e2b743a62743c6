package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import dev.herald.model.NotificationMethod;

/**
 * Herald's whole configuration: one immutable record per component, built and validated once at start-up. Every
 * problem is reported together, each naming the flag, the variable and the fix.
 */
public record HeraldConfig(
        NotificationsConfig notifications,
        EmailConfig email,
        WebhookConfig webhook,
        KafkaConfig kafka,
        RelayConfig relay,
        RetrySchedulerConfig scheduler,
        ServerConfig server,
        ApiConfig api) {

    /**
     * Builds and validates the configuration.
     *
     * @throws ConfigurationException listing every problem found
     */
    public static HeraldConfig load(ConfigInput input) {
        SettingValues values = new SettingValues(input);
        HeraldConfig config = new HeraldConfig(
                NotificationsConfig.from(values),
                EmailConfig.from(values),
                WebhookConfig.from(values),
                KafkaConfig.from(values),
                RelayConfig.from(values),
                RetrySchedulerConfig.from(values),
                ServerConfig.from(values),
                ApiConfig.from(values));
        config.checkAcrossComponents(values);
        if (!values.problems().isEmpty()) {
            throw new ConfigurationException(values.problems());
        }
        return config;
    }

    /** The same configuration with other email settings (development mode's mail catcher). */
    public HeraldConfig withEmail(EmailConfig replacement) {
        return new HeraldConfig(notifications, replacement, webhook, kafka, relay, scheduler, server, api);
    }

    /**
     * Whether the deployment can send by email or webhook. Without either, notifications go to the inbox only, as
     * Coder's do; development mode always has its mail catcher.
     */
    public boolean deliveryConfigured() {
        return email.from().isPresent() || webhook.endpoint().isPresent() || server.dev();
    }

    private void checkAcrossComponents(SettingValues values) {
        // Kafka evicts a consumer that does not poll within max.poll.interval.ms; a lease must expire first so that
        // the rows of an evicted consumer are already claimable when its partitions move.
        if (notifications.leasePeriod().compareTo(kafka.maxPollInterval()) >= 0) {
            values.problem(LEASE_PERIOD.displayName() + " (" + GoDuration.format(notifications.leasePeriod())
                    + ") must be shorter than " + KAFKA_MAX_POLL_INTERVAL.displayName() + " ("
                    + GoDuration.format(kafka.maxPollInterval())
                    + "). Fix: lower the lease period or raise the poll interval.");
        }
        NotificationMethod method = notifications.method();
        if (!deliveryConfigured()) {
            // As in Coder: with nothing to send through, notifications still reach the inbox.
            if (!notifications.inboxEnabled()) {
                values.problem("Neither email (" + EMAIL_FROM.displayName() + ") nor a webhook ("
                        + WEBHOOK_ENDPOINT.displayName() + ") is configured, and " + INBOX_ENABLED.displayName()
                        + " is false, so no notification could be delivered. Fix: configure email or a webhook,"
                        + " or turn the inbox on.");
            }
            return;
        }
        // Development mode delivers to its own mail catcher with a sender address of its own.
        if (method == NotificationMethod.SMTP && email.from().isEmpty() && !server.dev()) {
            values.problem(EMAIL_FROM.displayName() + " is required when " + METHOD.displayName()
                    + " is smtp. Fix: set the sender address, or choose --notifications-method webhook.");
        }
        if (method == NotificationMethod.WEBHOOK && webhook.endpoint().isEmpty()) {
            values.problem(WEBHOOK_ENDPOINT.displayName() + " is required when " + METHOD.displayName()
                    + " is webhook. Fix: set the URL to POST notifications to.");
        }
    }
}
