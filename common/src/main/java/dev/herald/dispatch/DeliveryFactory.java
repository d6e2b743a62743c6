package dev.herald.dispatch;

import dev.herald.render.MarkdownFormatter;
import dev.herald.render.RenderedMessage;
import dev.herald.render.TemplateRenderException;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.LeasedMessage;

/** Renders a leased message into everything a sender needs. */
public final class DeliveryFactory {

    private final TemplateRenderer renderer;
    private final MarkdownFormatter markdown = new MarkdownFormatter();

    public DeliveryFactory(TemplateRenderer renderer) {
        this.renderer = renderer;
    }

    /**
     * @throws TemplateRenderException when the template cannot be filled in; the message can never be sent
     */
    public Delivery prepare(LeasedMessage message) {
        RenderedMessage rendered = renderer.render(
                message.templateName(), message.titleTemplate(), message.bodyTemplate(), message.payload());
        return new Delivery(
                message,
                rendered,
                markdown.html(rendered.bodyMarkdown()),
                markdown.plainText(rendered.bodyMarkdown()),
                renderer.preferencesUrl(message.templateId()));
    }
}
