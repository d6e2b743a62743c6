package dev.herald.server.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

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
        all().forEach(context::header);
    }

    /** Every header, by name. */
    public Map<String, String> all() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "same-origin");
        headers.put("Cache-Control", "no-store");
        if (https) {
            headers.put("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
        }
        return headers;
    }
}
