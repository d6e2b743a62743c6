package dev.herald.server.web;

import dev.herald.config.HeraldConfig;
import dev.herald.model.MessagePayload;
import dev.herald.model.MessageStatus;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.render.MarkdownFormatter;
import dev.herald.render.RenderedMessage;
import dev.herald.render.TemplateRenderException;
import dev.herald.render.TemplateRenderer;
import dev.herald.server.data.MessageFilter;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.MessageView;
import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.Template;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.store.MessageStore;
import dev.herald.token.WorkToken;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The web UI, served by the api role beside the API: sign-in, the user's notification preferences, the deployment's
 * notification settings and the message explorer (owners), and in development mode the caught mail. Pages are
 * rendered on the server; every state change is a POST carrying the session's CSRF token.
 */
public final class WebUi {

    static final String SESSION_COOKIE = "herald_session";
    static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final DateTimeFormatter FORM = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm");
    private static final int PAGE_SIZE = 50;
    private static final com.fasterxml.jackson.databind.ObjectMapper PAYLOADS =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final MarkdownFormatter MARKDOWN = new MarkdownFormatter();

    /** What the pages read and change. */
    public record Services(
            UserDirectory users,
            WebSessionStore sessions,
            TemplateCatalog templates,
            PreferenceStore preferences,
            MessageQueries messages,
            MessageStore store,
            Enqueuer enqueuer,
            java.util.function.Consumer<WorkToken> redrive,
            HeraldConfig config,
            TemplateRenderer renderer,
            Optional<DevMailbox> mailbox,
            Clock clock) {}

    private final Services services;
    private final Pages pages = new Pages();
    private final boolean secureCookies;
    private final byte[] script = resource("/web/herald.js");
    private final byte[] stylesheet = resource("/web/herald.css");

    public WebUi(Services services) {
        this.services = services;
        this.secureCookies =
                "https".equalsIgnoreCase(services.config().server().accessUrl().getScheme());
    }

    public void register(RoutesConfig routes) {
        routes.get("/web/herald.css", context -> asset(context, "text/css", stylesheet));
        routes.get("/web/herald.js", context -> asset(context, "text/javascript", script));
        routes.get("/", context -> context.redirect("/settings/notifications"));
        routes.get("/login", this::loginPage);
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        routes.get("/settings/notifications", this::preferencesPage);
        routes.post("/settings/notifications", this::changePreference);
        routes.get("/deployment/notifications", this::deploymentPage);
        routes.post("/deployment/notifications/templates/{id}/method", this::changeMethod);
        routes.post("/deployment/notifications/pause", this::changePause);
        routes.post("/deployment/notifications/test", this::sendTest);
        routes.get("/deployment/notifications/messages", this::messagesPage);
        routes.get("/deployment/notifications/messages/{id}", this::messagePage);
        routes.post("/deployment/notifications/messages/{id}/retry", this::redrive);
        routes.get("/dev/mail", this::mailPage);
        routes.get("/dev/mail/{number}", this::mailPage);
    }

    // --- sign-in ----------------------------------------------------------------------------------------------

    private void loginPage(Context context) {
        pages.render(context, 200, "login", "Sign in", null, Map.of("next", safeNext(context.queryParam("next"))));
    }

    private void login(Context context) throws SQLException {
        String username = form(context, "username");
        String password = form(context, "password");
        String token = form(context, "token");
        Optional<User> user = !token.isEmpty()
                ? services.users().authenticate(token, services.clock().instant())
                : services.users().signIn(username, password);
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
        WebSessionStore.Started started =
                services.sessions().start(user.get().id(), services.clock().instant(), SESSION_LIFETIME);
        Cookie cookie = new Cookie(SESSION_COOKIE, started.cookie());
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.STRICT);
        cookie.setSecure(secureCookies);
        cookie.setPath("/");
        cookie.setMaxAge((int) SESSION_LIFETIME.toSeconds());
        context.cookie(cookie);
        context.redirect(safeNext(form(context, "next")), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void logout(Context context) throws SQLException {
        Optional<WebSessionView> session = session(context);
        if (session.isEmpty()) {
            return;
        }
        if (!csrfValid(context, session.get())) {
            return;
        }
        services.sessions().end(context.cookie(SESSION_COOKIE));
        context.removeCookie(SESSION_COOKIE, "/");
        context.redirect("/login?notice=" + encode("You are signed out."), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // --- account: notification preferences -------------------------------------------------------------------

    private void preferencesPage(Context context) throws SQLException {
        Optional<WebSessionView> session = session(context);
        if (session.isEmpty()) {
            return;
        }
        User user = session.get().user();
        Map<UUID, Boolean> disabled = new HashMap<>();
        services.preferences().forUser(user.id()).forEach(p -> disabled.put(p.id(), p.disabled()));
        String highlighted = context.queryParam("disabled");
        String defaultMethod = services.templates().defaultMethod().sqlName();
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Template template : services.templates().list()) {
            boolean enabled =
                    disabled.containsKey(template.id()) ? !disabled.get(template.id()) : template.enabledByDefault();
            Map<String, Object> row = new HashMap<>();
            row.put("id", template.id().toString());
            row.put("name", template.name());
            row.put("enabled", enabled);
            row.put("highlight", template.id().toString().equals(highlighted));
            row.put("method", template.method().isEmpty() ? defaultMethod + " (default)" : template.method());
            row.put("csrf", session.get().csrf());
            groups.computeIfAbsent(template.group().isEmpty() ? "Other" : template.group(), g -> new ArrayList<>())
                    .add(row);
        }
        List<Map<String, Object>> grouped = groups.entrySet().stream()
                .map(entry -> Map.<String, Object>of("name", entry.getKey(), "templates", entry.getValue()))
                .toList();
        pages.render(context, 200, "preferences", "My notifications", session.get(), Map.of("groups", grouped));
    }

    private void changePreference(Context context) throws SQLException {
        Optional<WebSessionView> session = session(context);
        if (session.isEmpty() || !csrfValid(context, session.get())) {
            return;
        }
        Optional<Template> template = templateFromForm(context, form(context, "template_id"));
        if (template.isEmpty()) {
            redirectWithError(
                    context, "/settings/notifications", "That notification does not exist; nothing was changed.");
            return;
        }
        boolean enabled = Boolean.parseBoolean(form(context, "enabled"));
        services.preferences()
                .update(session.get().user().id(), Map.of(template.get().id(), !enabled));
        context.redirect(
                "/settings/notifications?notice=" + encode(template.get().name() + (enabled ? " is on." : " is off."))
                        + "#t-" + template.get().id(),
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // --- deployment: events and settings (owners) ------------------------------------------------------------

    private void deploymentPage(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty()) {
            return;
        }
        boolean settingsTab = "settings".equals(context.queryParam("tab"));
        Map<String, Object> model = new HashMap<>();
        String defaultMethod = services.templates().defaultMethod().sqlName();
        model.put("defaultMethod", defaultMethod);
        if (settingsTab) {
            model.put("settings", true);
            model.put("paused", services.store().notifierPaused());
            model.put("config", configuration());
        } else {
            model.put("events", true);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Template template : services.templates().list()) {
                Map<String, Object> row = new HashMap<>();
                row.put("id", template.id().toString());
                row.put("name", template.name());
                row.put("group", template.group());
                row.put("isDefault", template.method().isEmpty());
                row.put("isSmtp", template.method().equals("smtp"));
                row.put("isWebhook", template.method().equals("webhook"));
                row.put("defaultMethod", defaultMethod);
                row.put("csrf", session.get().csrf());
                rows.add(row);
            }
            model.put("templates", rows);
        }
        pages.render(context, 200, "deployment", "Deployment notifications", session.get(), model);
    }

    private void changeMethod(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty() || !csrfValid(context, session.get())) {
            return;
        }
        String back = "/deployment/notifications?tab=events";
        Optional<Template> template = templateFromForm(context, context.pathParam("id"));
        if (template.isEmpty()) {
            redirectWithError(context, back, "That event does not exist; nothing was changed.");
            return;
        }
        String method = form(context, "method");
        Optional<NotificationMethod> chosen = Arrays.stream(NotificationMethod.values())
                .filter(candidate -> candidate.sqlName().equals(method))
                .findFirst();
        if (!method.isEmpty() && chosen.isEmpty()) {
            redirectWithError(context, back, "\"" + method + "\" is not a delivery method; nothing was changed.");
            return;
        }
        services.templates().setMethod(template.get().id(), chosen);
        context.redirect(
                back + "&notice="
                        + encode(template.get().name() + " now goes out by "
                                + chosen.map(NotificationMethod::sqlName).orElse("the default method") + "."),
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void changePause(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty() || !csrfValid(context, session.get())) {
            return;
        }
        boolean paused = Boolean.parseBoolean(form(context, "paused"));
        services.store().setNotifierPaused(paused);
        context.redirect(
                "/deployment/notifications?tab=settings&notice="
                        + encode(paused ? "Notifications are paused." : "Notifications are running again."),
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private void sendTest(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty() || !csrfValid(context, session.get())) {
            return;
        }
        User user = session.get().user();
        EnqueueResult result = services.enqueuer()
                .enqueue(new EnqueueRequest(
                        SystemTemplates.TEST_NOTIFICATION,
                        user.id(),
                        Map.of(),
                        Map.of("requested_at", services.clock().instant().toString()),
                        user.username(),
                        null));
        String back = "/deployment/notifications?tab=settings";
        switch (result) {
            case EnqueueResult.Enqueued enqueued ->
                context.redirect(
                        back + "&notice=" + encode("A test notification is on its way to " + user.email() + "."),
                        io.javalin.http.HttpStatus.SEE_OTHER);
            case EnqueueResult.DisabledByUser disabled ->
                redirectWithError(context, back, "You turned the test notification off in My notifications.");
            case EnqueueResult.Duplicate duplicate -> redirectWithError(context, back, duplicate.reason());
        }
    }

    // --- messages (owners) -----------------------------------------------------------------------------------

    private void messagesPage(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty()) {
            return;
        }
        String status = valueIn(
                context.queryParam("status"),
                name -> Arrays.stream(MessageStatus.values())
                        .anyMatch(s -> s.sqlName().equals(name)));
        String method = valueIn(
                context.queryParam("method"),
                name -> Arrays.stream(NotificationMethod.values())
                        .anyMatch(m -> m.sqlName().equals(name)));
        String templateId = valueIn(context.queryParam("template_id"), id -> parseUuid(id) != null);
        String userText =
                Optional.ofNullable(context.queryParam("user")).orElse("").strip();
        Optional<UUID> userId = Optional.empty();
        List<String> problems = new ArrayList<>();
        if (!userText.isEmpty()) {
            userId = services.users().find(userText).map(User::id);
            if (userId.isEmpty()) {
                problems.add("No user is named \"" + userText + "\".");
            }
        }
        Optional<Instant> from = localTime(context.queryParam("from"), "From", problems);
        Optional<Instant> to = localTime(context.queryParam("to"), "To", problems);
        Optional<MessageFilter.PageCursor> before = Optional.empty();
        try {
            String cursor = context.queryParam("before");
            before = cursor == null || cursor.isBlank() ? before : Optional.of(MessageFilter.PageCursor.decode(cursor));
        } catch (IllegalArgumentException e) {
            problems.add("That page link is not valid; showing the newest messages.");
        }
        List<MessageView> messages = !problems.isEmpty()
                ? List.of()
                : services.messages()
                        .list(new MessageFilter(
                                Optional.ofNullable(status),
                                userId,
                                Optional.ofNullable(templateId).map(UUID::fromString),
                                Optional.ofNullable(method),
                                from,
                                to,
                                before,
                                PAGE_SIZE));
        Map<String, Object> model = new HashMap<>();
        model.put(
                "counts",
                services.messages().countsByStatus().entrySet().stream()
                        .map(e -> Map.of("status", e.getKey(), "count", e.getValue()))
                        .toList());
        model.put(
                "statuses",
                options(
                        Arrays.stream(MessageStatus.values())
                                .map(MessageStatus::sqlName)
                                .toList(),
                        status));
        model.put(
                "methods",
                options(
                        Arrays.stream(NotificationMethod.values())
                                .map(NotificationMethod::sqlName)
                                .toList(),
                        method));
        List<Map<String, Object>> templates = new ArrayList<>();
        for (Template template : services.templates().list()) {
            templates.add(Map.of(
                    "id", template.id().toString(),
                    "name", template.name(),
                    "selected", template.id().toString().equals(templateId)));
        }
        model.put("templates", templates);
        model.put("user", userText);
        model.put("from", Optional.ofNullable(context.queryParam("from")).orElse(""));
        model.put("to", Optional.ofNullable(context.queryParam("to")).orElse(""));
        model.put("messages", messages.stream().map(WebUi::row).toList());
        if (messages.size() == PAGE_SIZE) {
            MessageView last = messages.getLast();
            Map<String, String> query = new LinkedHashMap<>();
            context.queryParamMap().forEach((key, values) -> {
                if (!key.equals("before") && !values.isEmpty()) {
                    query.put(key, values.getFirst());
                }
            });
            query.put("before", new MessageFilter.PageCursor(last.createdAt(), last.id()).encode());
            model.put(
                    "next",
                    "/deployment/notifications/messages?"
                            + query.entrySet().stream()
                                    .map(e -> e.getKey() + "=" + encode(e.getValue()))
                                    .collect(Collectors.joining("&")));
        }
        if (!problems.isEmpty()) {
            model.put("error", String.join(" ", problems));
        }
        pages.render(context, 200, "messages", "Messages", session.get(), model);
    }

    private void messagePage(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty()) {
            return;
        }
        UUID id = parseUuid(context.pathParam("id"));
        Optional<MessageView> message =
                id == null ? Optional.empty() : services.messages().find(id);
        if (message.isEmpty()) {
            problem(
                    context,
                    404,
                    session.get(),
                    "No such message",
                    "No message has that id; it may have been" + " deleted after the retention period.");
            return;
        }
        Map<String, Object> model = new HashMap<>(row(message.get()));
        model.put("retryable", "permanent_failure".equals(message.get().status()));
        model.put("createdBy", message.get().createdBy());
        model.put("payload", prettyJson(message.get().payload()));
        rendered(message.get(), model);
        pages.render(context, 200, "message", "Message", session.get(), model);
    }

    /** The message as its recipient sees it (or the reason it cannot be rendered). */
    private void rendered(MessageView message, Map<String, Object> model) throws SQLException {
        Optional<Template> template = services.templates().find(message.notificationTemplateId());
        if (template.isEmpty()) {
            return;
        }
        try {
            MessagePayload payload = PAYLOADS.readValue(message.payload(), MessagePayload.class);
            RenderedMessage rendered = services.renderer()
                    .render(
                            template.get().name(),
                            template.get().titleTemplate(),
                            template.get().bodyTemplate(),
                            payload);
            model.put("renderedTitle", rendered.title());
            model.put("renderedBody", MARKDOWN.plainText(rendered.bodyMarkdown()));
            model.put(
                    "renderedActions",
                    rendered.actions().stream()
                            .map(action -> Map.of("label", action.label(), "url", action.url()))
                            .toList());
        } catch (IOException | TemplateRenderException e) {
            model.put("renderError", e.getMessage());
        }
    }

    private void redrive(Context context) throws SQLException {
        Optional<WebSessionView> session = ownerSession(context);
        if (session.isEmpty() || !csrfValid(context, session.get())) {
            return;
        }
        UUID id = parseUuid(context.pathParam("id"));
        String back = "/deployment/notifications/messages/" + context.pathParam("id");
        Optional<WorkToken> token = id == null
                ? Optional.empty()
                : services.messages()
                        .redrive(
                                id,
                                session.get().user().username(),
                                services.clock().instant());
        if (token.isEmpty()) {
            redirectWithError(context, back, "Only a message that failed permanently can be re-driven.");
            return;
        }
        services.redrive().accept(token.get());
        context.redirect(
                back + "?notice=" + encode("Re-driven: the message has a fresh set of attempts."),
                io.javalin.http.HttpStatus.SEE_OTHER);
    }

    // --- development mail ------------------------------------------------------------------------------------

    private void mailPage(Context context) throws SQLException {
        Optional<WebSessionView> session = session(context);
        if (session.isEmpty()) {
            return;
        }
        if (services.mailbox().isEmpty()) {
            problem(
                    context,
                    404,
                    session.get(),
                    "Not in development mode",
                    "Caught mail is shown only when the" + " server runs with --dev.");
            return;
        }
        DevMailbox mailbox = services.mailbox().get();
        List<DevMailbox.Email> emails = mailbox.recent();
        Map<String, Object> model = new HashMap<>();
        model.put("directory", mailbox.directory().toString());
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

    // --- sessions, CSRF and small helpers ----------------------------------------------------------------------

    /** The signed-in user, or a redirect to the sign-in page (saying so when a session had expired). */
    private Optional<WebSessionView> session(Context context) throws SQLException {
        context.header("Cache-Control", "no-store");
        context.header(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors"
                        + " 'none'; form-action 'self'");
        context.header("X-Content-Type-Options", "nosniff");
        String cookie = context.cookie(SESSION_COOKIE);
        Optional<User> user = Optional.empty();
        Optional<WebSessionStore.WebSession> found = Optional.empty();
        if (cookie != null && !cookie.isBlank()) {
            found = services.sessions().find(cookie, services.clock().instant());
            if (found.isPresent()) {
                user = services.users().find(found.get().userId().toString()).filter(u -> "active".equals(u.status()));
            }
        }
        if (user.isEmpty()) {
            String next = context.path() + (context.queryString() == null ? "" : "?" + context.queryString());
            String why = cookie != null && !cookie.isBlank()
                    ? "&error=" + encode("Your session has expired; please sign in again.")
                    : "";
            context.redirect("/login?next=" + encode(next) + why, io.javalin.http.HttpStatus.SEE_OTHER);
            return Optional.empty();
        }
        return Optional.of(new WebSessionView(
                user.get(),
                found.get().csrfToken(),
                user.get().has(UserRole.OWNER),
                services.mailbox().isPresent()));
    }

    private Optional<WebSessionView> ownerSession(Context context) throws SQLException {
        Optional<WebSessionView> session = session(context);
        if (session.isPresent() && !session.get().owner()) {
            problem(
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

    /** A form whose token is not the session's changes nothing and says why. */
    private boolean csrfValid(Context context, WebSessionView session) {
        String presented = form(context, "csrf");
        boolean valid = MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), session.csrf().getBytes(StandardCharsets.UTF_8));
        if (!valid) {
            problem(
                    context,
                    403,
                    session,
                    "The form was not accepted",
                    "Its security token did not match your"
                            + " session, so nothing was changed. Reload the page and try again.");
        }
        return valid;
    }

    private void problem(Context context, int status, WebSessionView session, String heading, String explanation) {
        pages.render(
                context, status, "problem", heading, session, Map.of("heading", heading, "explanation", explanation));
    }

    private Optional<Template> templateFromForm(Context context, String text) throws SQLException {
        UUID id = parseUuid(text);
        return id == null ? Optional.empty() : services.templates().find(id);
    }

    private static void redirectWithError(Context context, String to, String message) {
        context.redirect(
                to + (to.contains("?") ? "&" : "?") + "error=" + encode(message), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private List<Map<String, String>> configuration() {
        HeraldConfig config = services.config();
        var email = config.email();
        var webhook = config.webhook();
        var notifications = config.notifications();
        List<Map<String, String>> rows = new ArrayList<>();
        add(rows, "Default method", notifications.method().sqlName());
        add(rows, "SMTP smarthost", email.smarthost().toString());
        add(rows, "SMTP from", email.from().orElse("(not set)"));
        add(rows, "SMTP TLS", email.implicitTls() ? "implicit TLS" : email.useStartTls() ? "STARTTLS" : "none");
        add(rows, "SMTP auth user", email.authUsername().orElse("(none)"));
        add(
                rows,
                "SMTP password",
                email.authPassword().isPresent() || email.authPasswordFile().isPresent() ? "set" : "not set");
        add(rows, "Webhook endpoint", webhook.endpoint().map(Object::toString).orElse("(not set)"));
        add(
                rows,
                "Webhook signing secret",
                webhook.signingSecrets().isEmpty()
                                && webhook.signingSecretFile().isEmpty()
                        ? "not set"
                        : "set");
        add(rows, "Max send attempts", String.valueOf(notifications.maxSendAttempts()));
        add(
                rows,
                "Retry interval",
                dev.herald.config.GoDuration.format(notifications.retryInterval()) + " ("
                        + notifications.retryPolicy().name().toLowerCase(java.util.Locale.ROOT) + ")");
        add(rows, "Dispatch timeout", dev.herald.config.GoDuration.format(notifications.dispatchTimeout()));
        add(rows, "Lease period", dev.herald.config.GoDuration.format(notifications.leasePeriod()));
        add(rows, "Retention", dev.herald.config.GoDuration.format(notifications.retention()));
        return rows;
    }

    private static void add(List<Map<String, String>> rows, String name, String value) {
        rows.add(Map.of("name", name, "value", value));
    }

    private static Map<String, Object> row(MessageView message) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", message.id().toString());
        row.put("created", SHOWN.format(message.createdAt().atOffset(ZoneOffset.UTC)));
        row.put("status", message.status());
        row.put("template", message.templateName());
        row.put("username", message.username() == null ? "(deleted user)" : message.username());
        row.put("method", message.method());
        row.put("attempts", message.attemptCount());
        row.put(
                "nextRetry",
                message.nextRetryAfter() == null
                        ? ""
                        : SHOWN.format(message.nextRetryAfter().atOffset(ZoneOffset.UTC)));
        row.put("queued", message.queuedSeconds() == null ? "" : String.format("%.1f", message.queuedSeconds()));
        row.put("reason", message.statusReason() == null ? "" : message.statusReason());
        return row;
    }

    private static List<Map<String, Object>> options(List<String> values, String selected) {
        return values.stream()
                .map(value -> Map.<String, Object>of("value", value, "selected", value.equals(selected)))
                .toList();
    }

    private static String valueIn(String value, Predicate<String> allowed) {
        return value == null || value.isBlank() || !allowed.test(value) ? null : value;
    }

    private static Optional<Instant> localTime(String value, String label, List<String> problems) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(value, FORM).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            problems.add(label + " is not a date and time.");
            return Optional.empty();
        }
    }

    private static String prettyJson(String json) {
        try {
            return PAYLOADS.writerWithDefaultPrettyPrinter().writeValueAsString(PAYLOADS.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }

    private static String form(Context context, String name) {
        String value = context.formParam(name);
        return value == null ? "" : value.strip();
    }

    /** Only paths on this server: an open redirect through the sign-in page would help phishing. */
    private static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\")) {
            return "/settings/notifications";
        }
        return next;
    }

    private static UUID parseUuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void asset(Context context, String type, byte[] content) {
        context.header("Cache-Control", "public, max-age=3600")
                .contentType(type)
                .result(content);
    }

    private static byte[] resource(String path) {
        try (InputStream in = WebUi.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
