package dev.herald.server.web;

import static dev.herald.server.web.WebForms.form;
import static dev.herald.server.web.WebForms.safeNext;

import dev.herald.server.data.PasswordGate;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.http.ClientAddress;
import dev.herald.server.http.RateLimiter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in with a username and password or an API key, and sign-out. The door is where strangers knock, so it is
 * guarded: the form must come from Herald's own pages, each client address and each username may only try so often
 * (429 with Retry-After beyond), and the slow password check runs a bounded number at once without holding a
 * database connection.
 */
final class SignInPages {

    /** Attempts per client address: a burst of 10, then one every 6 s (10 a minute). */
    static final int CLIENT_BURST = 10;

    static final Duration CLIENT_REFILL = Duration.ofSeconds(6);

    /** Failed attempts per username: a burst of 5, then one every 12 s (5 a minute). */
    static final int USERNAME_BURST = 5;

    static final Duration USERNAME_REFILL = Duration.ofSeconds(12);

    private static final int REMEMBERED_KEYS = 10_000;
    private static final String MISMATCH = "The username and password (or API key) did not match an active user.";

    private final UserDirectory users;
    private final WebSessions sessions;
    private final Pages pages;
    private final PasswordGate passwords;
    private final RateLimiter perClient;
    private final RateLimiter perUsername;
    private final URI accessUrl;
    private final ClientAddress clients;
    private final Clock clock;

    SignInPages(
            UserDirectory users,
            WebSessions sessions,
            Pages pages,
            PasswordGate passwords,
            URI accessUrl,
            ClientAddress clients,
            Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
        this.passwords = passwords;
        this.perClient = new RateLimiter(CLIENT_BURST, CLIENT_REFILL, REMEMBERED_KEYS, clock);
        this.perUsername = new RateLimiter(USERNAME_BURST, USERNAME_REFILL, REMEMBERED_KEYS, clock);
        this.accessUrl = accessUrl;
        this.clients = clients;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get("/login", this::loginPage);
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
    }

    private void loginPage(Context context) {
        pages.render(context, 200, "login", "Sign in", null, Map.of("next", safeNext(context.queryParam("next"))));
    }

    private void login(Context context) throws SQLException, InterruptedException {
        String username = form(context, "username");
        String password = form(context, "password");
        String token = form(context, "token");
        if (!OriginCheck.sameSite(context, accessUrl)) {
            refuse(
                    context,
                    403,
                    username,
                    "The sign-in form was sent from another site, so it was not accepted. Sign in from this page.");
            return;
        }
        Optional<Duration> wait = perClient.acquire(clients.of(context));
        String usernameKey = username.toLowerCase(Locale.ROOT);
        if (wait.isEmpty() && token.isEmpty()) {
            wait = perUsername.check(usernameKey);
        }
        if (wait.isPresent()) {
            tooMany(context, username, wait.get());
            return;
        }
        Optional<User> user;
        if (!token.isEmpty()) {
            user = users.authenticate(token, clock.instant());
        } else {
            try {
                user = passwords.verify(users.storedPassword(username), password);
            } catch (PasswordGate.Busy busy) {
                tooMany(context, username, Duration.ofSeconds(1));
                return;
            }
            if (user.isEmpty()) {
                perUsername.acquire(usernameKey);
            }
        }
        if (user.isEmpty()) {
            refuse(context, 401, username, MISMATCH);
            return;
        }
        sessions.start(context, user.get());
        WebForms.seeOther(context, safeNext(form(context, "next")));
    }

    private void tooMany(Context context, String username, Duration wait) {
        long seconds = RateLimiter.retryAfterSeconds(wait);
        context.header("Retry-After", Long.toString(seconds));
        refuse(context, 429, username, "Too many sign-in attempts. Try again in " + seconds + " s.");
    }

    private void refuse(Context context, int status, String username, String error) {
        pages.render(
                context,
                status,
                "login",
                "Sign in",
                null,
                Map.of("username", username, "next", safeNext(form(context, "next")), "error", error));
    }

    private void logout(Context context) throws SQLException {
        if (sessions.submitting(context, false).isEmpty()) {
            return;
        }
        sessions.end(context);
        WebForms.seeOtherWithNotice(context, "/login", "You are signed out.");
    }
}
