package dev.herald.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.dispatch.DeliveryFactory;
import dev.herald.model.SystemTemplates;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.LeasedMessage;
import dev.herald.store.MessageStore;
import dev.herald.testing.GoldenFiles;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.GoldenData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.webhook.payload.WebhookBody;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The webhook body of every seeded template, enqueued through SQL, checked against golden files. */
class GoldenWebhookBodiesTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everySeededTemplate() throws Exception {
        UUID user = new TestData(postgres.dataSource())
                .user()
                .username("grace")
                .name("Grace Hopper")
                .email("grace@example.com")
                .insert();
        // Every template renders here, the ones off by default too.
        new TestData(postgres.dataSource()).turnOnEveryTemplate(user);
        DeliveryFactory deliveries =
                new DeliveryFactory(new TemplateRenderer(URI.create("https://herald.example.com")));
        for (UUID template : SystemTemplates.ALL) {
            UUID id = new TestData(postgres.dataSource())
                    .enqueueWithRequiredLabels(template, user, GoldenData.dataFor(template));
            LeasedMessage message = new MessageStore(postgres.dataSource())
                    .lease(List.of(id), Instant.now(), Duration.ofMinutes(1), 5)
                    .leased()
                    .getFirst();
            String body = new String(
                            new WebhookBody().render(deliveries.prepare(message)),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .replace(id.toString(), "MESSAGE_ID")
                    .replace(user.toString(), "USER_ID");
            String pretty = json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(body)) + "\n";
            GoldenFiles.assertMatches("webhook/" + GoldenFiles.slug(message.templateName()) + ".json", pretty);
        }
    }
}
