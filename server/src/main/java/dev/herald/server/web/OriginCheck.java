package dev.herald.server.web;

import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;

/**
 * Whether a form was sent from Herald's own pages, before any session exists to carry a CSRF token: browsers say where
 * a request comes from in {@code Sec-Fetch-Site} and {@code Origin}. A request that carries neither (a script, an old
 * browser) is not a cross-site forgery, so it passes.
 */
public final class OriginCheck {

    private OriginCheck() {}

    public static boolean sameSite(Context context, URI accessUrl) {
        String fetchSite = context.header("Sec-Fetch-Site");
        if (fetchSite != null) {
            String site = fetchSite.strip().toLowerCase(Locale.ROOT);
            if (!site.equals("same-origin") && !site.equals("none")) {
                return false;
            }
        }
        String origin = context.header("Origin");
        if (origin == null) {
            return true;
        }
        String given = origin.strip().toLowerCase(Locale.ROOT);
        return given.equals(origin(accessUrl)) || given.equals(requestOrigin(context));
    }

    private static String origin(URI url) {
        String scheme = url.getScheme() == null ? "http" : url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + (url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT))
                + (defaultPort ? "" : ":" + port);
    }

    /** The origin the browser reached this server at, from the Host header (what the address bar shows). */
    private static String requestOrigin(Context context) {
        String host = context.host();
        return host == null ? "" : context.scheme().toLowerCase(Locale.ROOT) + "://" + host.toLowerCase(Locale.ROOT);
    }
}
