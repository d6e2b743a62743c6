package dev.herald.render;

import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.text.LineBreakRendering;
import org.commonmark.renderer.text.TextContentRenderer;

/** Turns a rendered Markdown body into HTML (for email) and plain text (for email and webhooks). */
public final class MarkdownFormatter {

    private final Parser parser = Parser.builder().build();
    // Raw HTML in a body is shown as text, and only safe URL schemes survive in links. A single line break starts a
    // new line, as it does in the plain text: templates put one sentence a line, and Markdown's own rendering would
    // join them into one run of text.
    private final HtmlRenderer html = HtmlRenderer.builder()
            .escapeHtml(true)
            .sanitizeUrls(true)
            .softbreak("<br />\n")
            .build();
    private final TextContentRenderer text = TextContentRenderer.builder()
            .lineBreakRendering(LineBreakRendering.SEPARATE_BLOCKS)
            .build();

    /** A body in the formats a sender needs, parsed once. */
    public record Formatted(String html, String plainText) {}

    public String plainText(String markdown) {
        return text.render(parse(markdown)).strip();
    }

    /**
     * Plain text always; HTML only when asked for (email needs it, webhooks do not), from one parse of the Markdown.
     */
    public Formatted format(String markdown, boolean withHtml) {
        Node document = parse(markdown);
        return new Formatted(
                withHtml ? html.render(document) : "", text.render(document).strip());
    }

    private Node parse(String markdown) {
        return parser.parse(markdown);
    }
}
