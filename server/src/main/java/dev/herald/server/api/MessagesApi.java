package dev.herald.server.api;

import dev.herald.producer.EnqueueRejectedException;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Event;
import dev.herald.producer.FanOutResult;
import dev.herald.server.data.MessageFilter;
import dev.herald.server.data.MessageFilterParser;
import dev.herald.server.data.MessageView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Herald's own endpoints: enqueue over HTTP, events with fan-out, and the message table for troubleshooting. */
final class MessagesApi {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;

    record EnqueueBody(
            UUID templateId, UUID userId, Map<String, String> labels, Map<String, Object> data, List<UUID> targets) {}

    record Page(List<MessageView> messages, String nextBefore) {}

    record EventResult(String event, List<UUID> messageIds, List<UUID> recipients, List<UUID> optedOut) {}

    private final ApiServices services;

    MessagesApi(ApiServices services) {
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/notifications/messages", this::list);
        routes.post("/api/v2/notifications/messages", this::enqueue);
        routes.get("/api/v2/notifications/messages/counts", this::counts);
        routes.get("/api/v2/notifications/messages/{id}", this::get);
        routes.post("/api/v2/notifications/messages/{id}/retry", this::retry);
        routes.post("/api/v2/notifications/events/{event}", this::publishEvent);
    }

    private void list(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        int limit = intQuery(context, "limit", DEFAULT_PAGE);
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badField("limit", "must be between 1 and " + MAX_PAGE);
        }
        MessageFilterParser.Parsed parsed = new MessageFilterParser(services.users())
                .parse(context::queryParam, MessageFilterParser.API_TIMES, limit);
        if (!parsed.problems().isEmpty()) {
            MessageFilterParser.Problem problem = parsed.problems().getFirst();
            throw ApiException.badField(problem.parameter(), problem.reason());
        }
        MessageFilter filter = parsed.filter();
        List<MessageView> views = services.messages().list(filter);
        String next = views.size() == limit
                ? new MessageFilter.PageCursor(
                                views.getLast().createdAt(), views.getLast().id())
                        .encode()
                : null;
        context.json(new Page(views, next));
    }

    private void counts(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        context.json(services.messages().countsByStatus());
    }

    private void get(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        UUID id = Api.uuidParam(context, "id");
        context.json(services.messages()
                .find(id)
                .orElseThrow(() -> ApiException.notFound("No message has the id " + id + ".")));
    }

    private void retry(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireOwner();
        UUID id = Api.uuidParam(context, "id");
        MessageView current = services.messages()
                .find(id)
                .orElseThrow(() -> ApiException.notFound("No message has the id " + id + "."));
        if (!services.redrive().redrive(id, caller.user().username())) {
            throw ApiException.conflict(
                    "Only a message that failed permanently can be re-driven.",
                    "This message is " + current.status() + ".");
        }
        context.json(services.messages().find(id).orElseThrow());
    }

    private void enqueue(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireOwner();
        EnqueueBody body = Json.read(context, EnqueueBody.class);
        if (body.templateId() == null) {
            throw ApiException.badField("template_id", "is required");
        }
        if (body.userId() == null) {
            throw ApiException.badField("user_id", "is required");
        }
        try {
            EnqueueResult result = services.enqueuer()
                    .enqueue(new EnqueueRequest(
                            body.templateId(),
                            body.userId(),
                            body.labels(),
                            body.data(),
                            caller.user().username(),
                            body.targets()));
            Api.answerEnqueue(context, result, 201);
        } catch (EnqueueRejectedException e) {
            throw ApiException.badField(e.field(), e.getMessage());
        }
    }

    private void publishEvent(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        caller.requireOwner();
        String name = context.pathParam("event");
        Map<?, ?> body = context.body().isBlank() ? Map.of() : Json.read(context, Map.class);
        Event event = EventRequests.parse(name, body);
        try {
            FanOutResult result = services.events().publish(event, caller.user().username());
            context.status(201)
                    .json(new EventResult(
                            event.name(), result.enqueuedMessageIds(), result.recipients(), result.optedOut()));
        } catch (EnqueueRejectedException e) {
            throw ApiException.badField(e.field(), e.getMessage());
        }
    }

    private static int intQuery(Context context, String name, int fallback) {
        String value = context.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badField(name, "\"" + value + "\" is not a number");
        }
    }
}
