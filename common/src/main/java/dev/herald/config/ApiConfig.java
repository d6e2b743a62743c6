package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the API allows its callers (how long keys live, how fast members may generate notifications) and which
 * reverse proxies it believes about who the caller is.
 */
public record ApiConfig(
        Duration defaultTokenLifetime,
        int customNotificationsPerMinute,
        List<String> proxyTrustedHeaders,
        List<Cidr> proxyTrustedOrigins) {

    static ApiConfig from(SettingValues values) {
        ApiConfig config = new ApiConfig(
                values.get(DEFAULT_TOKEN_LIFETIME),
                values.get(CUSTOM_NOTIFICATIONS_PER_MINUTE),
                Optional.ofNullable(values.get(PROXY_TRUSTED_HEADERS)).orElse(List.of()),
                Optional.ofNullable(values.get(PROXY_TRUSTED_ORIGINS)).orElse(List.of()));
        if (!config.proxyTrustedHeaders().isEmpty()
                && config.proxyTrustedOrigins().isEmpty()) {
            values.problem(PROXY_TRUSTED_HEADERS.displayName() + " is set but " + PROXY_TRUSTED_ORIGINS.displayName()
                    + " is not, so the headers would be believed from nobody. Fix: give the address blocks of"
                    + " your reverse proxies, such as 10.0.0.0/8.");
        }
        return config;
    }
}
