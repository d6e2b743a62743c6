package dev.herald.server.web;

import static dev.herald.server.web.WebForms.form;

import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.UserLifecycle;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The users of the deployment (owners): each with their status, and the buttons to suspend, activate or delete them.
 * Each change notifies the user and the account admins, as the API's does.
 */
final class UsersPage {

    static final String PATH = "/deployment/users";

    private final UserDirectory users;
    private final UserLifecycle lifecycle;
    private final WebSessions sessions;
    private final Pages pages;

    UsersPage(UserDirectory users, UserLifecycle lifecycle, WebSessions sessions, Pages pages) {
        this.users = users;
        this.lifecycle = lifecycle;
        this.sessions = sessions;
        this.pages = pages;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH + "/{id}/suspend", context -> change(context, "suspend"));
        routes.post(PATH + "/{id}/activate", context -> change(context, "activate"));
        routes.post(PATH + "/{id}/delete", context -> change(context, "delete"));
    }

    private void show(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        List<Map<String, Object>> rows = users.list().stream()
                .map(user -> {
                    Map<String, Object> row = new HashMap<>();
                    row.put("id", user.id().toString());
                    row.put("username", user.username());
                    row.put("email", user.email());
                    row.put("status", user.status());
                    row.put("active", "active".equals(user.status()));
                    row.put("self", user.id().equals(session.get().user().id()));
                    row.put(
                            "roles",
                            String.join(
                                    ", ",
                                    user.roles().stream()
                                            .map(r -> r.sqlName())
                                            .sorted()
                                            .toList()));
                    row.put("csrf", session.get().csrf());
                    return row;
                })
                .toList();
        pages.render(context, 200, "users", "Users", session.get(), Map.of("users", rows));
    }

    private void change(Context context, String action) throws SQLException {
        Optional<WebSessionView> session = sessions.submitting(context, true);
        if (session.isEmpty()) {
            return;
        }
        UUID id = WebForms.parseUuid(context.pathParam("id"));
        Optional<User> target = id == null ? Optional.empty() : users.find(id.toString());
        if (target.isEmpty()) {
            WebForms.seeOtherWithError(context, PATH, "That user does not exist; nothing was changed.");
            return;
        }
        if (action.equals("delete") && !target.get().username().equals(form(context, "confirm"))) {
            WebForms.seeOtherWithError(
                    context,
                    PATH,
                    "Type the username to confirm deleting " + target.get().username() + ".");
            return;
        }
        User initiator = session.get().user();
        try {
            switch (action) {
                case "suspend" -> lifecycle.suspend(target.get(), initiator);
                case "activate" -> lifecycle.activate(target.get(), initiator);
                default -> lifecycle.delete(target.get(), initiator);
            }
        } catch (UserLifecycle.Refused e) {
            WebForms.seeOtherWithError(context, PATH, e.getMessage());
            return;
        }
        String done = switch (action) {
            case "suspend" -> " is suspended.";
            case "activate" -> " is active again.";
            default -> " is deleted.";
        };
        WebForms.seeOtherWithNotice(context, PATH, target.get().username() + done);
    }
}
