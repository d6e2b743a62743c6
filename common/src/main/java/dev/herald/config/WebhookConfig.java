package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** Settings of the webhook method. */
public record WebhookConfig(
        Optional<URI> endpoint,
        List<Secret> signingSecrets,
        Optional<Path> signingSecretFile,
        Duration connectTimeout) {

    /** The Standard Webhooks secret prefix; the rest is the key, base64-encoded. */
    public static final String SECRET_PREFIX = "whsec_";

    static WebhookConfig from(SettingValues values) {
        List<Secret> secrets = values.get(WEBHOOK_SIGNING_SECRETS);
        WebhookConfig config = new WebhookConfig(
                values.optional(WEBHOOK_ENDPOINT),
                secrets == null ? List.of() : secrets,
                values.optional(WEBHOOK_SIGNING_SECRET_FILE),
                values.get(WEBHOOK_CONNECT_TIMEOUT));
        for (Secret secret : config.signingSecrets()) {
            if (!validSecret(secret.reveal())) {
                values.problem(WEBHOOK_SIGNING_SECRETS.displayName() + ": a secret is not in the form whsec_<base64>."
                        + " Fix: generate one with: echo whsec_$(head -c 32 /dev/urandom | base64)");
            }
        }
        return config;
    }

    /** True for {@code whsec_} followed by base64 of at least 16 bytes. */
    public static boolean validSecret(String secret) {
        if (!secret.startsWith(SECRET_PREFIX)) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length >= 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
