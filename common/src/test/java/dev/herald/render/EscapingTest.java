package dev.herald.render;

import static dev.herald.render.Payloads.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.MessagePayload;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A label can carry any text; it can never become a link, a tag, a new block or a new header line. */
class EscapingTest {

    private final TemplateRenderer renderer = new TemplateRenderer(URI.create("https://herald.example.com"));
    private final MarkdownFormatter formatter = new MarkdownFormatter();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "[click me](https://evil.example/phish)",
                "<a href=\"https://evil.example\">x</a>",
                "<script>alert(1)</script>",
                "![img](https://evil.example/pixel.png)",
                "<https://evil.example>",
                "line\n\n# Heading\n[x]: https://evil.example",
                "`code` *bold* _em_ ~~strike~~ &amp;"
            })
    void labelsCannotInjectLinksOrHtml(String hostile) {
        RenderedMessage message = render(
                "Workspace {{labels.name}}", "Your workspace **{{labels.name}}** is gone.", Map.of("name", hostile));

        String html = formatter.format(message.bodyMarkdown(), true).html();

        assertThat(html)
                .doesNotContain("<a ")
                .doesNotContain("<img")
                .doesNotContain("<script")
                .doesNotContain("<h1")
                .doesNotContain("<code")
                .doesNotContain("<em");
        assertThat(html).as("the template's own markup still works").contains("<strong>");
        assertThat(formatter.plainText(message.bodyMarkdown()))
                .as("the whole label survives, as text on one line")
                .contains(hostile.replaceAll("[\\r\\n]+", " "));
        assertThat(message.title()).doesNotContain("\n").doesNotContain("\r");
    }

    @Test
    void crlfInATitleCannotStartAHeader() {
        RenderedMessage message =
                render("Deleted {{labels.name}}", "body", Map.of("name", "x\r\nBcc: victim@example.com"));

        assertThat(message.title()).isEqualTo("Deleted x Bcc: victim@example.com");
    }

    @Test
    void actionUrlsKeepTheAccessUrlAndEncodeWhatCouldBreakOut() {
        MessagePayload payload = payload(
                Map.of("name", "my ws\"><script>"),
                List.of(new MessagePayload.Action("View", "{{access_url}}/@danny/{{labels.name}}?tab=logs")));

        RenderedMessage message = renderer.render("t", "t", "b", payload);

        assertThat(message.actions().getFirst().url())
                .isEqualTo("https://herald.example.com/@danny/my%20ws%22%3E%3Cscript%3E?tab=logs");
    }

    @Test
    void plainTextKeepsParagraphsAndLineBreaks() {
        String text = formatter.plainText("Hi danny\n\nYour workspace **ws** was deleted.\nThe reason was \"x\".");

        assertThat(text).isEqualTo("Hi danny\n\nYour workspace ws was deleted.\nThe reason was \"x\".");
    }

    private RenderedMessage render(String title, String body, Map<String, String> labels) {
        return renderer.render("test", title, body, payload(labels, List.of()));
    }
}
