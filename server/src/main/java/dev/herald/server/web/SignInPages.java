package dev.herald.server.web;

import static dev.herald.server.web.WebForms.form;
import static dev.herald.server.web.WebForms.safeNext;

import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/** Sign-in with a username and password or an API key, and sign-out. */
final class SignInPages {

    private final UserDirectory users;
    private final WebSessions sessions;
    private final Pages pages;
    private final Clock clock;

    SignInPages(UserDirectory users, WebSessions sessions, Pages pages, Clock clock) {
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
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

    private void login(Context context) throws SQLException {
        String username = form(context, "username");
        String password = form(context, "password");
        String token = form(context, "token");
        Optional<User> user =
                !token.isEmpty() ? users.authenticate(token, clock.instant()) : users.signIn(username, password);
        if (user.isEmpty()) {
            pages.render(
                    context,
                    401,
                    "login",
                    "Sign in",
                    null,
                    Map.of(
                            "username",
                            username,
                            "next",
                            safeNext(form(context, "next")),
                            "error",
                            "The username and password (or API key) did not match an active user."));
            return;
        }
        sessions.start(context, user.get());
        WebForms.seeOther(context, safeNext(form(context, "next")));
    }

    private void logout(Context context) throws SQLException {
        if (sessions.submitting(context, false).isEmpty()) {
            return;
        }
        sessions.end(context);
        WebForms.seeOtherWithNotice(context, "/login", "You are signed out.");
    }
}
