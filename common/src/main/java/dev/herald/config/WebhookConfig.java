package dev.herald.config;

import static dev.herald.config.HeraldSettings.WEBHOOK_ENDPOINT;

import java.net.URI;
import java.util.Optional;

/** Settings of the webhook method. */
public record WebhookConfig(Optional<URI> endpoint) {

    static WebhookConfig from(SettingValues values) {
        return new WebhookConfig(values.optional(WEBHOOK_ENDPOINT));
    }
}
