package dev.herald.server.api;

import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.server.data.Template;
import dev.herald.server.http.RateLimiter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Coder's deployment-level notification endpoints: the pause switch, templates and their methods, test sends. */
final class NotificationsApi {

    static final int MAX_CUSTOM_TITLE = 120;
    static final int MAX_CUSTOM_MESSAGE = 2000;

    record Settings(Boolean notifierPaused) {}

    record DispatchMethods(
            List<String> available,

            @com.fasterxml.jackson.annotation.JsonProperty("default")
            String defaultMethod) {}

    record MethodChange(String method) {}

    record CustomContent(String title, String message) {}

    record CustomRequest(CustomContent content) {}

    record Enqueued(UUID messageId) {}

    record TemplateView(
            UUID id,
            String name,
            String titleTemplate,
            String bodyTemplate,
            Object actions,
            String group,
            String method,
            String kind,
            boolean enabledByDefault) {}

    private final ApiServices services;

    NotificationsApi(ApiServices services) {
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/notifications/settings", this::getSettings);
        routes.put("/api/v2/notifications/settings", this::putSettings);
        routes.get("/api/v2/notifications/dispatch-methods", this::dispatchMethods);
        routes.get("/api/v2/notifications/templates/system", context -> templatesOfKind(context, "system"));
        routes.get("/api/v2/notifications/templates/custom", context -> templatesOfKind(context, "custom"));
        routes.put("/api/v2/notifications/templates/{id}/method", this::putTemplateMethod);
        routes.post("/api/v2/notifications/test", this::sendTest);
        routes.post("/api/v2/notifications/custom", this::sendCustom);
    }

    /** Every signed-in user may read whether notifications are paused, as in Coder; only owners change it. */
    private void getSettings(Context context) throws SQLException {
        Api.caller(context);
        context.json(new Settings(services.siteConfig().notifierPaused()));
    }

    private void putSettings(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        Settings settings = Json.read(context, Settings.class);
        if (settings.notifierPaused() == null) {
            throw ApiException.badField("notifier_paused", "is required (true pauses every dispatcher)");
        }
        if (!services.siteConfig().setNotifierPaused(settings.notifierPaused())) {
            context.status(304);
            return;
        }
        context.json(new Settings(settings.notifierPaused()));
    }

    private void dispatchMethods(Context context) throws SQLException {
        Api.caller(context);
        context.json(new DispatchMethods(
                Arrays.stream(NotificationMethod.values())
                        .map(NotificationMethod::sqlName)
                        .toList(),
                services.templates().defaultMethod().sqlName()));
    }

    /** Coder lists system templates and the custom notification's template apart, by their kind. */
    private void templatesOfKind(Context context, String kind) throws SQLException {
        Api.caller(context);
        List<TemplateView> views = services.templates().list().stream()
                .filter(template -> template.kind().equals(kind))
                .map(NotificationsApi::view)
                .toList();
        context.json(views);
    }

    private void putTemplateMethod(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        UUID id = Api.uuidParam(context, "id");
        MethodChange change = Json.read(context, MethodChange.class);
        Optional<NotificationMethod> method = parseMethod(change.method());
        if (services.templates().find(id).isEmpty()) {
            throw ApiException.notFound("No notification template has the id " + id + ".");
        }
        if (!services.templates().setMethod(id, method)) {
            context.status(304);
            return;
        }
        context.json(view(services.templates().find(id).orElseThrow()));
    }

    private void sendTest(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireOwner();
        // The time makes each test unique, so a second test the same day is not dropped as a duplicate.
        EnqueueResult result = services.enqueuer()
                .enqueue(new EnqueueRequest(
                        SystemTemplates.TEST_NOTIFICATION,
                        caller.user().id(),
                        Map.of(),
                        Map.of("requested_at", services.clock().instant().toString()),
                        caller.user().username(),
                        null));
        Api.answerEnqueue(context, result);
    }

    private void sendCustom(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        CustomRequest request = Json.read(context, CustomRequest.class);
        if (request.content() == null) {
            throw ApiException.badField("content", "is required, with a title and a message");
        }
        String title = request.content().title() == null
                ? ""
                : request.content().title().strip();
        String message = request.content().message() == null
                ? ""
                : request.content().message().strip();
        if (title.isEmpty()) {
            throw ApiException.badField("content.title", "is required");
        }
        if (title.length() > MAX_CUSTOM_TITLE) {
            throw ApiException.badField("content.title", "is longer than " + MAX_CUSTOM_TITLE + " characters");
        }
        if (message.isEmpty()) {
            throw ApiException.badField("content.message", "is required");
        }
        if (message.length() > MAX_CUSTOM_MESSAGE) {
            throw ApiException.badField("content.message", "is longer than " + MAX_CUSTOM_MESSAGE + " characters");
        }
        services.customNotifications().acquire(caller.user().id().toString()).ifPresent(wait -> {
            long seconds = RateLimiter.retryAfterSeconds(wait);
            context.header("Retry-After", Long.toString(seconds));
            throw new ApiException(
                    429,
                    "You are sending custom notifications too fast.",
                    "At most " + services.config().customNotificationsPerMinute() + " a minute; try again in " + seconds
                            + " s.",
                    List.of());
        });
        EnqueueResult result = services.enqueuer()
                .enqueue(new EnqueueRequest(
                        SystemTemplates.CUSTOM_NOTIFICATION,
                        caller.user().id(),
                        Map.of("custom_title", title, "custom_message", message),
                        Map.of("requested_at", services.clock().instant().toString()),
                        // As Coder records it: the caller's id, not their name.
                        caller.user().id().toString(),
                        null));
        Api.answerEnqueue(context, result);
    }

    /** "" or absent means the deployment default. */
    static Optional<NotificationMethod> parseMethod(String method) {
        if (method == null || method.isBlank()) {
            return Optional.empty();
        }
        return Arrays.stream(NotificationMethod.values())
                .filter(candidate -> candidate.sqlName().equals(method))
                .findFirst()
                .map(Optional::of)
                .orElseThrow(() -> ApiException.badField(
                        "method",
                        "\"" + method + "\" is not a delivery method (use smtp, webhook, or \"\" for the"
                                + " default)"));
    }

    private static TemplateView view(Template template) {
        Object actions;
        try {
            actions = Json.MAPPER.readTree(template.actions());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            actions = List.of();
        }
        return new TemplateView(
                template.id(),
                template.name(),
                template.titleTemplate(),
                template.bodyTemplate(),
                actions,
                template.group(),
                template.method(),
                template.kind(),
                template.enabledByDefault());
    }
}
