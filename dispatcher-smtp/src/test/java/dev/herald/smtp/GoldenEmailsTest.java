package dev.herald.smtp;

import dev.herald.dispatch.DeliveryFactory;
import dev.herald.model.Appearance;
import dev.herald.model.SystemTemplates;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.LeasedMessage;
import dev.herald.store.MessageStore;
import dev.herald.testing.GoldenFiles;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.GoldenData;
import dev.herald.testsupport.HeraldDatabase;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email of every seeded template, with Date, boundaries and ids normalised, checked against golden files. */
class GoldenEmailsTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

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
        Session session = Session.getInstance(new Properties());
        for (UUID template : SystemTemplates.ALL) {
            UUID id = new TestData(postgres.dataSource())
                    .enqueueWithRequiredLabels(template, user, GoldenData.dataFor(template));
            LeasedMessage message = new MessageStore(postgres.dataSource())
                    .lease(List.of(id), Instant.now(), Duration.ofMinutes(1), 5)
                    .leased()
                    .getFirst();
            MimeMessage email = EmailMessage.build(
                    session,
                    new InternetAddress("Herald <herald@example.com>"),
                    deliveries.prepare(message),
                    // The deployment's appearance in the header: its name and logo, as Coder's appearance settings.
                    new Appearance("Acme Cloud", "https://acme.example.com/logo.png"),
                    Instant.parse("2026-03-02T10:15:30Z"));
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            email.writeTo(raw);
            String normalised = raw.toString(StandardCharsets.UTF_8)
                    .replace("\r\n", "\n")
                    .replaceAll("----=_Part_[0-9_.]+", "----=_Part_BOUNDARY")
                    .replaceAll("(?m)^Date: .*$", "Date: DATE")
                    .replace(id.toString(), "MESSAGE_ID")
                    .replace(user.toString(), "USER_ID");
            GoldenFiles.assertMatches("smtp/" + GoldenFiles.slug(message.templateName()) + ".eml", normalised);
        }
    }
}
