package dev.herald.render;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.herald.model.MessagePayload;
import dev.herald.model.MessagePayload.Action;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a template's title, body and action URLs from a message payload. Variables are strict (a missing one is an
 * error that names the template), sections are lenient, so optional labels can be written as
 * {@code {{#labels.initiator}} ({{labels.initiator}}){{/labels.initiator}}}.
 */
public final class TemplateRenderer {

    private final Mustache.Compiler compiler;
    private final String accessUrl;

    /**
     * @param accessUrl the base of every action link
     * @param escaper applied to each {@code {{variable}}} value, so that a label cannot inject markup
     */
    public TemplateRenderer(URI accessUrl, Mustache.Escaper escaper) {
        this.accessUrl = stripTrailingSlash(accessUrl.toString());
        this.compiler = Mustache.compiler()
                .withEscaper(escaper)
                .emptyStringIsFalse(true)
                .zeroIsFalse(false)
                .strictSections(false);
    }

    /** A renderer that inserts values as they are. */
    public static TemplateRenderer verbatim(URI accessUrl) {
        return new TemplateRenderer(accessUrl, text -> text);
    }

    public RenderedMessage render(
            String templateName, String titleTemplate, String bodyTemplate, MessagePayload payload) {
        Map<String, Object> context = context(payload);
        String title = fill(templateName, "title", titleTemplate, context);
        String body = fill(templateName, "body", bodyTemplate, context);
        List<Action> actions = payload.actions().stream()
                .map(action -> new Action(
                        fill(templateName, "action label", action.label(), context),
                        fill(templateName, "action URL", action.url(), context)))
                .toList();
        return new RenderedMessage(title, body, actions);
    }

    private String fill(String templateName, String part, String template, Map<String, Object> context) {
        try {
            return compiler.compile(template).execute(context);
        } catch (MustacheException e) {
            throw new TemplateRenderException(
                    "template \"" + templateName + "\" could not render its " + part + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> context(MessagePayload payload) {
        Map<String, Object> context = new HashMap<>();
        context.put("user_name", payload.userName());
        context.put("user_email", payload.userEmail());
        context.put("user_username", payload.userUsername());
        context.put("user_id", String.valueOf(payload.userId()));
        context.put("notification_name", payload.notificationName());
        context.put("labels", payload.labels());
        context.put("data", payload.data());
        context.put("access_url", accessUrl);
        return context;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
