package dev.herald.model;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * How the deployment presents itself in its emails, as Coder's appearance settings: the application's name and the
 * address of its logo. Empty values mean "not set here", so that a value stored by the deployment settings page wins
 * over the flag, and the flag over Herald's own name.
 */
public record Appearance(String applicationName, String logoUrl) {

    public static final String DEFAULT_APPLICATION_NAME = "Herald";

    public Appearance {
        applicationName = applicationName == null ? "" : applicationName.strip();
        logoUrl = logoUrl == null ? "" : logoUrl.strip();
    }

    /** Each value of this one, or {@code fallback}'s where this one has none. */
    public Appearance over(Appearance fallback) {
        return new Appearance(
                applicationName.isEmpty() ? fallback.applicationName() : applicationName,
                logoUrl.isEmpty() ? fallback.logoUrl() : logoUrl);
    }

    /** The name to show: Herald's own when none is set. */
    public String displayName() {
        return applicationName.isEmpty() ? DEFAULT_APPLICATION_NAME : applicationName;
    }

    /** The logo's address when it is an absolute http(s) URL, the only kind a mail client may fetch. */
    public Optional<String> safeLogoUrl() {
        return problemWithLogoUrl(logoUrl).isEmpty() && !logoUrl.isEmpty() ? Optional.of(logoUrl) : Optional.empty();
    }

    /** Why {@code url} cannot be a logo, or empty when it can (or is empty: no logo). */
    public static Optional<String> problemWithLogoUrl(String url) {
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                return Optional.empty();
            }
        } catch (java.net.URISyntaxException e) {
            // Named below.
        }
        return Optional.of("must be an absolute http(s) URL such as https://example.com/logo.png");
    }
}
