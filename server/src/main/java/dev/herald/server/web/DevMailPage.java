package dev.herald.server.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In development mode, the mail the local mail catcher caught, newest first, and one email as its HTML. */
final class DevMailPage {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final Optional<DevMailbox> mailbox;
    private final WebSessions sessions;
    private final Pages pages;

    DevMailPage(Optional<DevMailbox> mailbox, WebSessions sessions, Pages pages) {
        this.mailbox = mailbox;
        this.sessions = sessions;
        this.pages = pages;
    }

    void register(RoutesConfig routes) {
        routes.get("/dev/mail", this::show);
        routes.get("/dev/mail/{number}", this::show);
    }

    /** Owners only: caught mail holds every user's notifications, and sign-in links with them. */
    private void show(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        if (mailbox.isEmpty()) {
            pages.problem(
                    context,
                    404,
                    session.get(),
                    "Not in development mode",
                    "Caught mail is shown only when the server runs with --dev.");
            return;
        }
        List<DevMailbox.Email> emails = mailbox.get().recent();
        Map<String, Object> model = new HashMap<>();
        model.put("directory", mailbox.get().directory().toString());
        model.put(
                "emails",
                emails.stream()
                        .map(email -> Map.of(
                                "number", email.number(),
                                "received", SHOWN.format(email.receivedAt().atOffset(ZoneOffset.UTC)),
                                "to", String.join(", ", email.to()),
                                "subject", email.subject()))
                        .toList());
        String number = context.pathParamMap().get("number");
        if (number != null) {
            emails.stream()
                    .filter(email -> String.valueOf(email.number()).equals(number))
                    .findFirst()
                    .ifPresent(email -> model.put(
                            "shown", Map.of("subject", email.subject(), "html", MailBodies.html(email.raw()))));
        }
        pages.render(context, 200, "mail", "Caught mail", session.get(), model);
    }
}
