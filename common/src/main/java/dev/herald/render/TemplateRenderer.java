package dev.herald.render;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.herald.model.MessagePayload;
import dev.herald.model.MessagePayload.Action;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills a template's title, body and action URLs from a message payload, each with the escaping its destination
 * needs (see {@link Escapers}). Variables are strict (a missing one is an error that names the template), sections
 * are lenient, so optional labels can be written as {@code {{#labels.initiator}} ({{labels.initiator}}){{/...}}}.
 */
public final class TemplateRenderer {

    /** Enough for every template version and action of a deployment; beyond it, the cache starts again. */
    static final int MAX_COMPILED = 1024;

    private final Mustache.Compiler title;
    private final Mustache.Compiler body;
    private final Mustache.Compiler url;
    private final String accessUrl;

    /**
     * Compiled templates by escaping and text: compiling costs more than rendering, and a compiled template keeps
     * the fetchers it found for each variable, so the reflection behind them runs once rather than per message.
     */
    private final Map<Mustache.Compiler, Map<String, Template>> compiled = new ConcurrentHashMap<>();

    public TemplateRenderer(URI accessUrl) {
        this.accessUrl = stripTrailingSlash(accessUrl.toString());
        Mustache.Compiler base =
                Mustache.compiler().emptyStringIsFalse(true).zeroIsFalse(false).strictSections(false);
        this.title = base.withEscaper(Escapers.SINGLE_LINE);
        this.body = base.withEscaper(Escapers.MARKDOWN);
        this.url = base.withEscaper(Escapers.URL);
    }

    /** The recipient's notification settings page. */
    public String settingsUrl() {
        return accessUrl + "/settings/notifications";
    }

    /** The link to the recipient's notification settings, pre-selecting the template (the email footer's). */
    public String preferencesUrl(java.util.UUID templateId) {
        return settingsUrl() + "?disabled=" + templateId;
    }

    /**
     * Renders one message.
     *
     * @throws TemplateRenderException naming the template and the part that failed
     */
    public RenderedMessage render(
            String templateName, String titleTemplate, String bodyTemplate, MessagePayload payload) {
        Map<String, Object> context = context(payload);
        String renderedTitle = fill(title, templateName, "title", titleTemplate, context);
        String renderedBody = fill(body, templateName, "body", bodyTemplate, context);
        List<Action> actions = payload.actions().stream()
                .map(action -> new Action(
                        fill(title, templateName, "action label", action.label(), context),
                        fill(url, templateName, "action URL", action.url(), context)))
                .toList();
        return new RenderedMessage(renderedTitle, renderedBody, actions);
    }

    private String fill(
            Mustache.Compiler compiler,
            String templateName,
            String part,
            String template,
            Map<String, Object> context) {
        try {
            return compiled(compiler, template).execute(context);
        } catch (MustacheException e) {
            throw new TemplateRenderException(
                    "template \"" + templateName + "\" could not render its " + part + ": " + e.getMessage(), e);
        }
    }

    private Template compiled(Mustache.Compiler compiler, String text) {
        Map<String, Template> cache = compiled.computeIfAbsent(compiler, c -> new ConcurrentHashMap<>());
        Template template = cache.get(text);
        if (template == null) {
            if (cache.size() >= MAX_COMPILED) {
                cache.clear();
            }
            template = compiler.compile(text);
            cache.put(text, template);
        }
        return template;
    }

    /** How many templates are compiled and kept (for tests of the cache). */
    int compiledCount() {
        return compiled.values().stream().mapToInt(Map::size).sum();
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
