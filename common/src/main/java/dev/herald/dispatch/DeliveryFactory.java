package dev.herald.dispatch;

import dev.herald.model.NotificationMethod;
import dev.herald.render.MarkdownFormatter;
import dev.herald.render.RenderedMessage;
import dev.herald.render.TemplateRenderException;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.LeasedMessage;

/** Renders a leased message into everything a sender needs. */
public final class DeliveryFactory {

    private final TemplateRenderer renderer;
    private final MarkdownFormatter markdown = new MarkdownFormatter();
    private final boolean html;

    /** For email, which shows HTML beside the plain text. */
    public DeliveryFactory(TemplateRenderer renderer) {
        this(renderer, true);
    }

    /**
     * @param html whether the sender shows HTML; a webhook carries plain text and Markdown only, and rendering HTML it
     *     would throw away costs a Markdown pass per message
     */
    public DeliveryFactory(TemplateRenderer renderer, boolean html) {
        this.renderer = renderer;
        this.html = html;
    }

    /** What a sender of {@code method} needs. */
    public static DeliveryFactory forMethod(TemplateRenderer renderer, NotificationMethod method) {
        return new DeliveryFactory(renderer, method == NotificationMethod.SMTP);
    }

    /**
     * @throws TemplateRenderException when the template cannot be filled in; the message can never be sent
     */
    public Delivery prepare(LeasedMessage message) {
        RenderedMessage rendered = renderer.render(
                message.templateName(), message.titleTemplate(), message.bodyTemplate(), message.payload());
        MarkdownFormatter.Formatted body = markdown.format(rendered.bodyMarkdown(), html);
        return new Delivery(
                message,
                rendered,
                body.html(),
                body.plainText(),
                renderer.settingsUrl(),
                renderer.preferencesUrl(message.templateId()));
    }
}
