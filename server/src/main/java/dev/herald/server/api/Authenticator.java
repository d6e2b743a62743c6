package dev.herald.server.api;

import dev.herald.server.data.UserDirectory;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * Finds the caller of every {@code /api/v2} request from its API key, given as {@code Coder-Session-Token} or
 * {@code Authorization: Bearer}. The OpenAPI description is public.
 */
final class Authenticator {

    static final String SESSION_HEADER = "Coder-Session-Token";

    private final UserDirectory users;
    private final Clock clock;

    Authenticator(UserDirectory users, Clock clock) {
        this.users = users;
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
}
