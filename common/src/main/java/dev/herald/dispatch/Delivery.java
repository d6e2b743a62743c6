package dev.herald.dispatch;

import dev.herald.render.RenderedMessage;
import dev.herald.store.LeasedMessage;

/**
 * A leased message ready for a sender: the row, its rendered title, body (Markdown, HTML and plain text) and actions,
 * and the links to the recipient's notification settings: the page itself, and the page with this template chosen to
 * be turned off.
 */
public record Delivery(
        LeasedMessage message,
        RenderedMessage rendered,
        String bodyHtml,
        String bodyText,
        String settingsUrl,
        String preferencesUrl) {}
