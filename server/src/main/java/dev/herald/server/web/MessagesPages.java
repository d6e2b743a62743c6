package dev.herald.server.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.MessagePayload;
import dev.herald.model.MessageStatus;
import dev.herald.model.NotificationMethod;
import dev.herald.render.MarkdownFormatter;
import dev.herald.render.RenderedMessage;
import dev.herald.render.TemplateRenderException;
import dev.herald.render.TemplateRenderer;
import dev.herald.server.data.MessageFilter;
import dev.herald.server.data.MessageFilterParser;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.MessageView;
import dev.herald.server.data.Redrive;
import dev.herald.server.data.Template;
import dev.herald.server.data.TemplateCatalog;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/** The message explorer (owners): counts, a filtered list in pages, one message as rendered, and its re-drive. */
final class MessagesPages {

    private static final String PATH = "/deployment/notifications/messages";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final int PAGE_SIZE = 50;
    private static final ObjectMapper PAYLOADS =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final MarkdownFormatter MARKDOWN = new MarkdownFormatter();

    private final MessageQueries messages;
    private final MessageFilterParser filters;
    private final Redrive redrives;
    private final TemplateCatalog templates;
    private final TemplateRenderer renderer;
    private final WebSessions sessions;
    private final Pages pages;

    MessagesPages(
            MessageQueries messages,
            MessageFilterParser filters,
            Redrive redrives,
            TemplateCatalog templates,
            TemplateRenderer renderer,
            WebSessions sessions,
            Pages pages) {
        this.messages = messages;
        this.filters = filters;
        this.redrives = redrives;
        this.templates = templates;
        this.renderer = renderer;
        this.sessions = sessions;
        this.pages = pages;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::list);
        routes.get(PATH + "/{id}", this::show);
        routes.post(PATH + "/{id}/retry", this::redrive);
    }

    private void list(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        MessageFilterParser.Parsed parsed =
                filters.parse(context::queryParam, MessageFilterParser.FORM_TIMES, PAGE_SIZE);
        List<MessageView> found = parsed.problems().isEmpty() ? messages.list(parsed.filter()) : List.of();
        MessageFilter filter = parsed.filter();
        Map<String, Object> model = new HashMap<>();
        model.put(
                "counts",
                messages.countsByStatus().entrySet().stream()
                        .map(e -> Map.of("status", e.getKey(), "count", e.getValue()))
                        .toList());
        model.put(
                "statuses",
                options(
                        Arrays.stream(MessageStatus.values())
                                .map(MessageStatus::sqlName)
                                .toList(),
                        filter.status().orElse(null)));
        model.put(
                "methods",
                options(
                        Arrays.stream(NotificationMethod.values())
                                .map(NotificationMethod::sqlName)
                                .toList(),
                        filter.method().orElse(null)));
        String templateId = filter.templateId().map(UUID::toString).orElse("");
        List<Map<String, Object>> templateOptions = new ArrayList<>();
        for (Template template : templates.list()) {
            templateOptions.add(Map.of(
                    "id", template.id().toString(),
                    "name", template.name(),
                    "selected", template.id().toString().equals(templateId)));
        }
        model.put("templates", templateOptions);
        model.put(
                "user",
                Optional.ofNullable(context.queryParam("user")).orElse("").strip());
        model.put("from", Optional.ofNullable(context.queryParam("from")).orElse(""));
        model.put("to", Optional.ofNullable(context.queryParam("to")).orElse(""));
        model.put("messages", found.stream().map(MessagesPages::row).toList());
        if (found.size() == PAGE_SIZE) {
            model.put("next", nextPage(context, found.getLast()));
        }
        if (!parsed.problems().isEmpty()) {
            model.put(
                    "error",
                    parsed.problems().stream()
                            .map(problem -> problem.parameter() + " " + problem.reason() + ".")
                            .collect(Collectors.joining(" ")));
        }
        pages.render(context, 200, "messages", "Messages", session.get(), model);
    }

    /** The same filter, continued after the last row shown. */
    private static String nextPage(Context context, MessageView last) {
        Map<String, String> query = new LinkedHashMap<>();
        context.queryParamMap().forEach((key, values) -> {
            if (!key.equals("before") && !values.isEmpty()) {
                query.put(key, values.getFirst());
            }
        });
        query.put("before", new MessageFilter.PageCursor(last.createdAt(), last.id()).encode());
        return PATH + "?"
                + query.entrySet().stream()
                        .map(e -> e.getKey() + "=" + WebForms.encode(e.getValue()))
                        .collect(Collectors.joining("&"));
    }

    private void show(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        UUID id = WebForms.parseUuid(context.pathParam("id"));
        Optional<MessageView> message = id == null ? Optional.empty() : messages.find(id);
        if (message.isEmpty()) {
            pages.problem(
                    context,
                    404,
                    session.get(),
                    "No such message",
                    "No message has that id; it may have been deleted after the retention period.");
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
        Optional<Template> template = templates.find(message.notificationTemplateId());
        if (template.isEmpty()) {
            return;
        }
        try {
            MessagePayload payload = PAYLOADS.readValue(message.payload(), MessagePayload.class);
            RenderedMessage rendered = renderer.render(
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
        Optional<WebSessionView> session = sessions.submitting(context, true);
        if (session.isEmpty()) {
            return;
        }
        UUID id = WebForms.parseUuid(context.pathParam("id"));
        String back = PATH + "/" + context.pathParam("id");
        if (id == null || !redrives.redrive(id, session.get().user().username())) {
            WebForms.seeOtherWithError(context, back, "Only a message that failed permanently can be re-driven.");
            return;
        }
        WebForms.seeOtherWithNotice(context, back, "Re-driven: the message has a fresh set of attempts.");
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

    private static String prettyJson(String json) {
        try {
            return PAYLOADS.writerWithDefaultPrettyPrinter().writeValueAsString(PAYLOADS.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }
}
