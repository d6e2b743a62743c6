package dev.herald.server.api;

import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.server.web.OriginCheck;
import io.javalin.http.Context;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Finds the caller of every {@code /api/v2} request from its API key, given as {@code Coder-Session-Token} or
 * {@code Authorization: Bearer}; the inbox also accepts the web UI's session cookie. The OpenAPI description is public.
 */
final class Authenticator {

    static final String SESSION_HEADER = "Coder-Session-Token";

    private final UserDirectory users;
    private final WebSessionStore webSessions;
    private final URI accessUrl;
    private final Clock clock;

    Authenticator(UserDirectory users, WebSessionStore webSessions, URI accessUrl, Clock clock) {
        this.users = users;
        this.webSessions = webSessions;
        this.accessUrl = accessUrl;
        this.clock = clock;
    }

    void authenticate(Context context) throws SQLException {
        if (context.path().equals("/api/v2/openapi.json")) {
            return;
        }
        String key = context.header(SESSION_HEADER);
        String authorization = context.header("Authorization");
        if ((key == null || key.isBlank())
                && authorization != null
                && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).strip();
        }
        if (key == null || key.isBlank()) {
            Optional<Caller> browser = fromWebSession(context);
            if (browser.isPresent()) {
                context.attribute(Caller.ATTRIBUTE, browser.get());
                return;
            }
            throw new ApiException(
                    401,
                    "You are not signed in.",
                    "Send an API key in the " + SESSION_HEADER + " header or as Authorization: Bearer <key>.",
                    List.of());
        }
        Caller caller = users.authenticate(key, clock.instant())
                .map(Caller::new)
                .orElseThrow(() -> new ApiException(
                        401,
                        "The API key is not valid.",
                        "It may have expired, or its user been suspended.",
                        List.of()));
        context.attribute(Caller.ATTRIBUTE, caller);
    }

    /**
     * The web UI's bell calls the inbox endpoints with the browser's session cookie, as Coder's UI does. Only there,
     * and only from Herald's own pages: the cookie is SameSite=Strict, and the origin is checked as well, because a
     * WebSocket handshake is not covered by SameSite in every browser.
     */
    private Optional<Caller> fromWebSession(Context context) throws SQLException {
        String cookie = context.cookie(WebSessionStore.COOKIE);
        if (cookie == null || cookie.isBlank() || !context.path().startsWith(InboxApi.LIST)) {
            return Optional.empty();
        }
        if (!OriginCheck.sameSite(context, accessUrl)) {
            throw ApiException.forbidden("A request from another site may not use your Herald session.");
        }
        Optional<WebSessionStore.WebSession> session = webSessions.find(cookie, clock.instant());
        if (session.isEmpty()) {
            return Optional.empty();
        }
        return users.find(session.get().userId().toString())
                .filter(user -> "active".equals(user.status()))
                .map(Caller::new);
    }
}
