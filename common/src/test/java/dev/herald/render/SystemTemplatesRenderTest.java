package dev.herald.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.MessagePayload;
import dev.herald.model.MessagePayload.Action;
import dev.herald.model.SystemTemplates;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.GoldenData;
import dev.herald.testsupport.HeraldDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seeded templates, enqueued through SQL and rendered from the stored payload. */
class SystemTemplatesRenderTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private static final URI ACCESS_URL = URI.create("https://herald.example.com/");

    private final TestData data = new TestData(postgres.dataSource());
    private final ObjectMapper json = new ObjectMapper();
    private final TemplateRenderer renderer = new TemplateRenderer(ACCESS_URL);

    @Test
    void workspaceDeletedRendersTheDocumentedExample() throws Exception {
        UUID danny = data.user()
                .username("danny")
                .name("danny")
                .email("danny@example.com")
                .insert();
        UUID message = enqueue(
                SystemTemplates.WORKSPACE_DELETED,
                danny,
                Map.of("name", "my-workspace", "reason", "initiated by user", "initiator", "danny"));

        RenderedMessage rendered = render(message);

        assertThat(rendered.title()).isEqualTo("Workspace \"my-workspace\" deleted");
        assertThat(rendered.bodyMarkdown())
                .isEqualTo("Hi danny\n\nYour workspace my-workspace was deleted.\n"
                        + "The specified reason was \"initiated by user (danny)\".");
        assertThat(rendered.actions())
                .containsExactly(
                        new Action("View workspaces", "https://herald.example.com/workspaces"),
                        new Action("View templates", "https://herald.example.com/templates"));
    }

    @Test
    void inTheEmailsHtmlEachLineOfABodyStaysALine() throws Exception {
        UUID danny = data.user().name("danny").insert();
        RenderedMessage rendered = render(enqueue(
                SystemTemplates.WORKSPACE_DELETED,
                danny,
                Map.of("name", "my-workspace", "reason", "initiated by user", "initiator", "danny")));

        String html =
                new MarkdownFormatter().format(rendered.bodyMarkdown(), true).html();

        assertThat(html)
                .isEqualTo("<p>Hi danny</p>\n<p>Your workspace my-workspace was deleted.<br />\n"
                        + "The specified reason was &quot;initiated by user (danny)&quot;.</p>\n");
    }

    @Test
    void anOptionalLabelThatIsAbsentLeavesNoTrace() throws Exception {
        UUID user = data.user().name("Ada").insert();
        UUID message = enqueue(
                SystemTemplates.WORKSPACE_DELETED, user, Map.of("name", "w", "reason", "autodeleted due to dormancy"));

        assertThat(render(message).bodyMarkdown())
                .endsWith("The specified reason was \"autodeleted due to dormancy\".");
    }

    @Test
    void everySeededTemplateRendersWithTheLabelsItNames() throws Exception {
        UUID user = data.user().name("Grace").insert();
        data.turnOnEveryTemplate(user);
        for (UUID template : SystemTemplates.ALL) {
            Map<String, String> labels = new LinkedHashMap<>();
            for (String label : requiredLabels(template)) {
                labels.put(label, "value-of-" + label);
            }
            RenderedMessage rendered = render(enqueue(template, user, labels, GoldenData.dataFor(template)));

            assertThat(rendered.title())
                    .as("title of %s", template)
                    .isNotBlank()
                    .doesNotContain("{{");
            assertThat(rendered.bodyMarkdown())
                    .as("body of %s", template)
                    .isNotBlank()
                    .doesNotContain("{{");
            String everything =
                    rendered.title() + new MarkdownFormatter().plainText(rendered.bodyMarkdown()) + rendered.actions();
            labels.values()
                    .forEach(value -> assertThat(everything)
                            .as("%s uses every label it requires", template)
                            .contains(value));
            rendered.actions()
                    .forEach(action -> assertThat(action.url())
                            .as("action of %s", template)
                            .startsWith("https://herald.example.com")
                            .doesNotContain("{{"));
        }
    }

    @Test
    void aCustomMessageIsMarkdownWhileOtherTemplatesLabelsStayEscaped() throws Exception {
        UUID user = data.user().name("Ada").insert();
        String markdown = "Read **the notes**: [release](https://example.com/notes)\n\n<script>alert(1)</script>"
                + " [bad](javascript:alert(1))";
        MarkdownFormatter formatter = new MarkdownFormatter();

        RenderedMessage custom = render(enqueue(
                SystemTemplates.CUSTOM_NOTIFICATION,
                user,
                Map.of("custom_title", "**Deploy** [now](https://example.com)", "custom_message", markdown)));
        String customHtml = formatter.format(custom.bodyMarkdown(), true).html();
        RenderedMessage deleted = render(
                enqueue(SystemTemplates.TEMPLATE_DELETED, user, Map.of("name", "**bold** [x](https://example.com)")));
        String deletedHtml = formatter.format(deleted.bodyMarkdown(), true).html();

        assertThat(customHtml)
                .contains("<strong>the notes</strong>")
                .contains("href=\"https://example.com/notes\">release</a>")
                .as("raw HTML escaped, unsafe links dropped")
                .doesNotContain("<script>")
                .doesNotContain("href=\"javascript");
        assertThat(custom.title())
                .as("the title is the subject: one line, as written")
                .isEqualTo("**Deploy** [now](https://example.com)");
        assertThat(deletedHtml).doesNotContain("<strong>bold</strong>").doesNotContain("<a href");
    }

    @Test
    void outOfDiskWordsOneVolumeAsCoderDoesAndListsSeveral() throws Exception {
        String body;
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT body_template FROM notification_templates WHERE id = ?")) {
            statement.setObject(1, SystemTemplates.WORKSPACE_OUT_OF_DISK);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                body = row.getString(1);
            }
        }
        Map<String, Object> home = Map.of("path", "/home/coder", "threshold", "90%");
        Map<String, Object> etc = Map.of("path", "/etc/coder", "threshold", "95%");

        String one = renderer.render(
                        "Workspace Out Of Disk",
                        "t",
                        body,
                        diskPayload(Map.of("volumes", java.util.List.of(home), "single_volume", home)))
                .bodyMarkdown();
        String several = renderer.render(
                        "Workspace Out Of Disk",
                        "t",
                        body,
                        diskPayload(Map.of("volumes", java.util.List.of(home, etc))))
                .bodyMarkdown();

        assertThat(one).isEqualTo("Volume **`/home/coder`** is over 90% full in workspace **bobby-workspace**.");
        assertThat(several)
                .isEqualTo("Hi Bobby,\n\nThe following volumes are nearly full in workspace **bobby-workspace**\n\n"
                        + "- **`/home/coder`** is over 90% full\n- **`/etc/coder`** is over 95% full\n");
    }

    private static MessagePayload diskPayload(Map<String, Object> data) {
        return new MessagePayload(
                "1.2",
                "Workspace Out Of Disk",
                SystemTemplates.WORKSPACE_OUT_OF_DISK,
                UUID.randomUUID(),
                "bobby@example.com",
                "Bobby",
                "bobby",
                null,
                Map.of("workspace", "bobby-workspace"),
                data,
                null);
    }

    @Test
    void aMissingVariableIsAnErrorThatNamesTheTemplate() {
        MessagePayload payload = new MessagePayload(
                "1.2",
                "Broken",
                UUID.randomUUID(),
                UUID.randomUUID(),
                "a@example.com",
                "A",
                "a",
                null,
                Map.of(),
                null,
                null);

        assertThatThrownBy(() -> renderer.render("Broken", "Hello {{labels.missing}}", "body", payload))
                .isInstanceOf(TemplateRenderException.class)
                .hasMessageContaining("template \"Broken\" could not render its title");
    }

    private RenderedMessage render(UUID message) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT t.name, t.title_template, t.body_template, m.payload
                        FROM notification_messages m JOIN notification_templates t ON t.id = m.notification_template_id
                        WHERE m.id = ?
                        """)) {
            statement.setObject(1, message);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                MessagePayload payload = json.readValue(row.getString("payload"), MessagePayload.class);
                return renderer.render(
                        row.getString("name"),
                        row.getString("title_template"),
                        row.getString("body_template"),
                        payload);
            }
        }
    }

    private String[] requiredLabels(UUID template) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT required_labels FROM notification_templates WHERE id = ?")) {
            statement.setObject(1, template);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                String[] labels = (String[]) row.getArray(1).getArray();
                Arrays.sort(labels);
                return labels;
            }
        }
    }

    private UUID enqueue(UUID template, UUID user, Map<String, String> labels) throws Exception {
        return enqueue(template, user, labels, "{}");
    }

    private UUID enqueue(UUID template, UUID user, Map<String, String> labels, String data) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, ?::jsonb, ?::jsonb, 'render-test')")) {
            statement.setObject(1, template);
            statement.setObject(2, user);
            statement.setString(3, json.writeValueAsString(labels));
            statement.setString(4, data);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }
}
