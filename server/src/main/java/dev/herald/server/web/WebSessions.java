package dev.herald.server.web;

import dev.herald.model.UserRole;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Who is signed in, and what protects their pages: the session cookie (HttpOnly, SameSite=Strict, Secure behind
 * https), the owner check and the CSRF token every form carries.
 */
final class WebSessions {

    static final String SESSION_COOKIE = WebSessionStore.COOKIE;
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);

    private final UserDirectory users;
    private final WebSessionStore sessions;
    private final Pages pages;
    private final boolean secureCookies;
    private final boolean dev;
    private final Clock clock;

    WebSessions(
            UserDirectory users,
            WebSessionStore sessions,
            Pages pages,
            boolean secureCookies,
            boolean dev,
            Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
        this.secureCookies = secureCookies;
        this.dev = dev;
        this.clock = clock;
    }

    /** Starts a session for {@code user} and hands the browser its cookie. */
    void start(Context context, User user) throws SQLException {
        WebSessionStore.Started started = sessions.start(user.id(), clock.instant(), SESSION_LIFETIME);
        Cookie cookie = new Cookie(SESSION_COOKIE, started.cookie());
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setSecure(secureCookies);
        cookie.setPath("/");
        cookie.setMaxAge((int) SESSION_LIFETIME.toSeconds());
        context.cookie(cookie);
    }

    /** Ends the browser's session, here and in its cookie jar. */
    void end(Context context) throws SQLException {
        sessions.end(context.cookie(SESSION_COOKIE));
        context.removeCookie(SESSION_COOKIE, "/");
    }

    /** The signed-in user, or a redirect to the sign-in page (saying so when a session had expired). */
    Optional<WebSessionView> signedIn(Context context) throws SQLException {
        String cookie = context.cookie(SESSION_COOKIE);
        Optional<User> user = Optional.empty();
        Optional<WebSessionStore.WebSession> found = Optional.empty();
        if (cookie != null && !cookie.isBlank()) {
            found = sessions.find(cookie, clock.instant());
            if (found.isPresent()) {
                user = users.find(found.get().userId().toString()).filter(u -> "active".equals(u.status()));
            }
        }
        if (user.isEmpty()) {
            String next = context.path() + (context.queryString() == null ? "" : "?" + context.queryString());
            String why = cookie != null && !cookie.isBlank()
                    ? "&error=" + WebForms.encode("Your session has expired; please sign in again.")
                    : "";
            WebForms.seeOther(context, "/login?next=" + WebForms.encode(next) + why);
            return Optional.empty();
        }
        return Optional.of(new WebSessionView(
                user.get(), found.get().csrfToken(), user.get().has(UserRole.OWNER), dev));
    }

    /** The signed-in owner; a member is shown why not, and nobody signed in is sent to sign in. */
    Optional<WebSessionView> owner(Context context) throws SQLException {
        Optional<WebSessionView> session = signedIn(context);
        if (session.isPresent() && !session.get().owner()) {
            pages.problem(
                    context,
                    403,
                    session.get(),
                    "Owners only",
                    "Deployment settings and messages are for owners."
                            + " Your own notification settings are under My notifications.");
            return Optional.empty();
        }
        return session;
    }

    /** The signed-in user (an owner when {@code ownersOnly}) of a form whose CSRF token matches their session. */
    Optional<WebSessionView> submitting(Context context, boolean ownersOnly) throws SQLException {
        Optional<WebSessionView> session = ownersOnly ? owner(context) : signedIn(context);
        return session.filter(view -> csrfValid(context, view));
    }

    /** A form whose token is not the session's changes nothing and says why. */
    private boolean csrfValid(Context context, WebSessionView session) {
        String presented = WebForms.form(context, "csrf");
        boolean valid = MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), session.csrf().getBytes(StandardCharsets.UTF_8));
        if (!valid) {
            pages.problem(
                    context,
                    403,
                    session,
                    "The form was not accepted",
                    "Its security token did not match your"
                            + " session, so nothing was changed. Reload the page and try again.");
        }
        return valid;
    }
}
