package dev.herald.server.http;

import io.javalin.http.Context;

/**
 * The headers every response of Herald's HTTP servers carries (API, pages, errors, redirects and probes alike), set
 * before any handler runs so that no path, not even a failure, leaves without them. Pages and API answers are
 * personal, so nothing is stored by caches unless a handler says otherwise (the static assets do).
 */
public final class SecurityHeaders {

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /** A year, as browsers and preload lists expect. */
    static final String STRICT_TRANSPORT_SECURITY = "max-age=31536000";

    private final boolean https;

    /**
     * @param https whether users reach Herald over https (the access URL's scheme), which makes browsers refuse plain
     *     http to it from then on
     */
    public SecurityHeaders(boolean https) {
        this.https = https;
    }

    public void apply(Context context) {
        context.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        context.header("X-Frame-Options", "DENY");
        context.header("X-Content-Type-Options", "nosniff");
        context.header("Referrer-Policy", "same-origin");
        context.header("Cache-Control", "no-store");
        if (https) {
            context.header("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
        }
    }
}
