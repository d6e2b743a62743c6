package dev.herald.render;

import static dev.herald.render.Payloads.payload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.MessagePayload;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rendering does its expensive work once: templates are compiled once, a body's Markdown is parsed once. */
class RenderingCostTest {

    @Test
    void aTemplateIsCompiledOnceWhateverTheNumberOfMessages() {
        TemplateRenderer renderer = new TemplateRenderer(URI.create("https://herald.example.com"));
        List<MessagePayload.Action> actions =
                List.of(new MessagePayload.Action("Open {{labels.name}}", "{{access_url}}/w/{{labels.name}}"));

        for (int i = 0; i < 500; i++) {
            RenderedMessage message = renderer.render(
                    "test",
                    "Workspace {{labels.name}}",
                    "Your workspace **{{labels.name}}** is gone.",
                    payload(Map.of("name", "ws-" + i), actions));
            assertThat(message.title()).isEqualTo("Workspace ws-" + i);
            assertThat(message.actions().getFirst().url()).isEqualTo("https://herald.example.com/w/ws-" + i);
        }

        assertThat(renderer.compiledCount())
                .as("title, body, action label and action URL")
                .isEqualTo(4);
    }

    @Test
    void theCacheStaysBoundedWhateverTheTemplatesSeen() {
        TemplateRenderer renderer = new TemplateRenderer(URI.create("https://herald.example.com"));

        for (int i = 0; i < TemplateRenderer.MAX_COMPILED + 10; i++) {
            renderer.render("test", "Title " + i, "Body", payload(Map.of(), List.of()));
        }

        assertThat(renderer.compiledCount()).isLessThanOrEqualTo(TemplateRenderer.MAX_COMPILED + 1);
    }

    @Test
    void htmlIsMadeOnlyWhenTheSenderShowsIt() {
        MarkdownFormatter markdown = new MarkdownFormatter();

        MarkdownFormatter.Formatted email = markdown.format("Hi **Ada**\n\nGone.", true);
        MarkdownFormatter.Formatted webhook = markdown.format("Hi **Ada**\n\nGone.", false);

        assertThat(email.html()).isEqualTo("<p>Hi <strong>Ada</strong></p>\n<p>Gone.</p>\n");
        assertThat(email.plainText()).isEqualTo(markdown.plainText("Hi **Ada**\n\nGone."));
        assertThat(webhook.html()).isEmpty();
        assertThat(webhook.plainText()).isEqualTo(email.plainText());
    }
}
