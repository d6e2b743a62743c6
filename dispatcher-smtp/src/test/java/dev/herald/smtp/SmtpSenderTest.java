package dev.herald.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.herald.config.EmailConfig;
import dev.herald.config.HostPort;
import dev.herald.config.Secret;
import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.model.MessagePayload;
import dev.herald.model.NotificationMethod;
import dev.herald.render.RenderedMessage;
import dev.herald.store.LeasedMessage;
import dev.herald.testing.GreenMailFixtures;
import dev.herald.testing.MutableClock;
import dev.herald.testing.SmtpServer;
import dev.herald.testing.TestCertificates;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SMTP matrix against real servers: GreenMail for plain SMTP, SubEthaSMTP for TLS and AUTH. */
class SmtpSenderTest {

    private static final TestCertificates CERTIFICATES = TestCertificates.createTemporary();

    @RegisterExtension
    static final GreenMailExtension greenMail = GreenMailFixtures.smtpAndSmtps();

    @RegisterExtension
    static final SmtpServer startTls = SmtpServer.builder()
            .startTls(CERTIFICATES.serverContext())
            .requireTls()
            .credentials("herald", "s3cret")
            .advertise("CRAM-MD5", "PLAIN", "LOGIN")
            .build();

    @RegisterExtension
    static final SmtpServer implicitTls = SmtpServer.builder()
            .implicitTls(CERTIFICATES.serverContext())
            .credentials("herald", "s3cret")
            .build();

    @RegisterExtension
    static final SmtpServer noAuth = SmtpServer.builder().build();

    @RegisterExtension
    static final SmtpServer clientCertificate = SmtpServer.builder()
            .startTls(CERTIFICATES.serverContext())
            .requireTls()
            .requireClientCertificate()
            .build();

    private SmtpSender sender;

    @BeforeEach
    void reset() {
        startTls.reset();
        implicitTls.reset();
        noAuth.reset();
        clientCertificate.reset();
    }

    @AfterEach
    void close() {
        if (sender != null) {
            sender.close();
        }
    }

    @Test
    void plainSmtpDeliversAMultipartMessage() throws Exception {
        sender = sender(config(greenMail.getSmtp().getPort(), c -> {}));
        UUID id = UUID.randomUUID();

        assertThat(sender.send(delivery(id, "ada@example.com", "Workspace \"ws\" deleted")))
                .isInstanceOf(DeliveryResult.Delivered.class);

        MimeMessage received = greenMail.getReceivedMessages()[greenMail.getReceivedMessages().length - 1];
        assertThat(received.getSubject()).isEqualTo("Workspace \"ws\" deleted");
        assertThat(received.getMessageID()).isEqualTo("<" + id + "@example.com>");
        assertThat(received.getFrom()[0].toString()).isEqualTo("Herald <herald@example.com>");
        assertThat(received.getSentDate()).isNotNull();
        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat((String) parts.getBodyPart(1).getContent())
                .contains(">View workspaces</a>")
                .contains("https://herald.example.com/settings/notifications?disabled=")
                .contains(">Manage notification settings</a>")
                .as("no appearance set: Herald's name and no logo")
                .contains(">Herald</td>")
                .doesNotContain("<img");
    }

    /** Without the name, Jakarta Mail searches every jar for it for each body part it creates or writes. */
    @Test
    void jakartaMailIsToldItsStreamProviderSoThatItDoesNotSearchTheClassPathForEachPart() throws Exception {
        sender = sender(config(greenMail.getSmtp().getPort(), c -> {}));

        assertThat(System.getProperty(SmtpSender.STREAM_PROVIDER_PROPERTY)).isEqualTo(SmtpSender.STREAM_PROVIDER);
        assertThat(jakarta.mail.util.StreamProvider.provider().getClass().getName())
                .isEqualTo(SmtpSender.STREAM_PROVIDER);
    }

    @Test
    void startTlsWithPlainAndAnIdentityAgainstAServerThatAlsoOffersCramMd5() {
        sender = sender(config(startTls.port(), c -> c.startTls = true).withAuth("herald", "s3cret", "boss"));

        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(startTls.messages()).singleElement().satisfies(message -> {
            assertThat(message.authenticatedUser()).isEqualTo("herald");
            assertThat(message.authorizationIdentity()).isEqualTo("boss");
        });
    }

    @Test
    void plainWithoutIdentityAndAPasswordFile() throws Exception {
        Path file = Files.createTempFile("smtp-password", ".txt");
        Files.writeString(file, "s3cret\n");
        sender = sender(config(startTls.port(), c -> {
                    c.startTls = true;
                    c.passwordFile = file;
                })
                .withAuth("herald", null, null));

        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(startTls.messages().getFirst().authorizationIdentity())
                .as("no separate identity: none, or the user itself")
                .isIn(null, "herald");
    }

    @Test
    void implicitTlsOnAForcedPort() {
        sender = sender(config(implicitTls.port(), c -> c.forceTls = true).withAuth("herald", "s3cret", null));

        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(implicitTls.messages()).hasSize(1);
    }

    @Test
    void aWrongPasswordIsRetryable() {
        sender = sender(config(startTls.port(), c -> c.startTls = true).withAuth("herald", "wrong", null));

        DeliveryResult result = sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Retryable.class,
                        retryable -> assertThat(retryable.reason()).contains("rejected the credentials"));
    }

    @Test
    void anUntrustedCertificateIsRetryableAndSkipVerifyAcceptsIt() {
        sender = sender(config(implicitTls.port(), c -> {
                    c.forceTls = true;
                    c.ca = null;
                })
                .withAuth("herald", "s3cret", null));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Retryable.class);
        sender.close();

        sender = sender(config(implicitTls.port(), c -> {
                    c.forceTls = true;
                    c.ca = null;
                    c.skipVerify = true;
                })
                .withAuth("herald", "s3cret", null));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
    }

    @Test
    void aClientCertificateIsPresentedWhenConfigured() {
        sender = sender(config(clientCertificate.port(), c -> c.startTls = true));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .as("without a certificate the server refuses the handshake")
                .isInstanceOf(DeliveryResult.Retryable.class);
        sender.close();

        sender = sender(config(clientCertificate.port(), c -> {
            c.startTls = true;
            c.clientCertificate = true;
        }));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(clientCertificate.messages()).hasSize(1);
    }

    @Test
    void theServerNameIsVerifiedInsteadOfTheHostConnectedTo() {
        sender = sender(config(implicitTls.port(), c -> {
                    c.forceTls = true;
                    c.serverName = "mail.example.net";
                })
                .withAuth("herald", "s3cret", null));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .as("the certificate is for localhost, not mail.example.net")
                .isInstanceOf(DeliveryResult.Retryable.class);
        sender.close();

        sender = sender(config(implicitTls.port(), c -> {
                    c.forceTls = true;
                    c.serverName = "localhost";
                })
                .withAuth("herald", "s3cret", null));
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Delivered.class);
    }

    @Test
    void authConfiguredButNotOfferedIsPermanent() {
        sender = sender(config(noAuth.port(), c -> {}).withAuth("herald", "s3cret", null));

        DeliveryResult result = sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent -> assertThat(permanent.reason()).contains("does not offer AUTH"));
        assertThat(noAuth.messages()).isEmpty();
    }

    @Test
    void replyCodesDecide4xxRetry5xxGiveUp() {
        sender = sender(config(noAuth.port(), c -> {}));
        noAuth.rejectNext(1, 451, "4.3.0 mailbox busy");
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOf(DeliveryResult.Retryable.class);
        noAuth.rejectNext(1, 554, "5.7.1 rejected as spam");
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .isInstanceOfSatisfying(
                        DeliveryResult.Permanent.class,
                        permanent -> assertThat(permanent.reason()).contains("554"));
        noAuth.rejectNext(1, 552, "5.2.2 mailbox full");
        assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "hi")))
                .as("RFC 5321 says to treat 552 as temporary")
                .isInstanceOf(DeliveryResult.Retryable.class);
        assertThat(sender.send(delivery(UUID.randomUUID(), "not an address", "hi")))
                .isInstanceOf(DeliveryResult.Permanent.class);
    }

    @Test
    void oneConnectionCarriesManyMessages() {
        sender = sender(config(noAuth.port(), c -> {}));

        for (int i = 0; i < 10; i++) {
            assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "n" + i)))
                    .isInstanceOf(DeliveryResult.Delivered.class);
        }

        assertThat(noAuth.messages()).hasSize(10);
        assertThat(noAuth.messages().stream()
                        .map(SmtpServer.ReceivedMessage::sessionId)
                        .distinct())
                .hasSize(1);
    }

    @Test
    void aReusedConnectionIsCheckedAndClearedWithOneRset() throws Exception {
        try (SmtpConversation server = SmtpConversation.start()) {
            sender = sender(config(server.port(), c -> {}));

            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "n" + i)))
                        .isInstanceOf(DeliveryResult.Delivered.class);
            }

            List<String> transaction = List.of("MAIL", "RCPT", "DATA");
            List<String> expected = new ArrayList<>(List.of("EHLO"));
            expected.addAll(transaction);
            for (int i = 1; i < 3; i++) {
                expected.add("RSET");
                expected.addAll(transaction);
            }
            assertThat(server.verbs())
                    .as("a liveness check (RSET, which also clears the last transaction), then the message: no NOOP")
                    .isEqualTo(expected);
        }
    }

    @Test
    void aConnectionIsReplacedAfterItsMessageCap() {
        sender = sender(config(noAuth.port(), c -> c.messagesPerConnection = 3));

        for (int i = 0; i < 10; i++) {
            assertThat(sender.send(delivery(UUID.randomUUID(), "ada@example.com", "n" + i)))
                    .isInstanceOf(DeliveryResult.Delivered.class);
        }

        assertThat(noAuth.messages().stream()
                        .map(SmtpServer.ReceivedMessage::sessionId)
                        .distinct())
                .as("10 messages at 3 per connection")
                .hasSize(4);
    }

    @Test
    void anIdleConnectionIsNotReused() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-11-26T10:00:00Z"));
        sender = sender(config(noAuth.port(), c -> c.clock = clock));

        sender.send(delivery(UUID.randomUUID(), "ada@example.com", "first"));
        clock.advance(Duration.ofSeconds(29));
        sender.send(delivery(UUID.randomUUID(), "ada@example.com", "within the idle timeout"));
        clock.advance(Duration.ofSeconds(31));
        sender.send(delivery(UUID.randomUUID(), "ada@example.com", "after the idle timeout"));

        List<String> sessions = noAuth.messages().stream()
                .map(SmtpServer.ReceivedMessage::sessionId)
                .toList();
        assertThat(sessions.get(1)).isEqualTo(sessions.get(0));
        assertThat(sessions.get(2)).isNotEqualTo(sessions.get(1));
    }

    @Test
    void headerInjectionThroughTheTitleIsNeutralised() throws Exception {
        sender = sender(config(noAuth.port(), c -> {}));

        sender.send(delivery(UUID.randomUUID(), "ada@example.com", "Grüße\r\nBcc: victim@example.com"));

        String raw = noAuth.messages().getFirst().text();
        String headers = raw.substring(0, raw.indexOf("\r\n\r\n"));
        assertThat(headers).doesNotContainPattern("(?mi)^Bcc:");
        assertThat(headers).contains("Subject: =?UTF-8?");
        assertThat(noAuth.messages().getFirst().recipients()).containsExactly("ada@example.com");
    }

    // --- wiring -------------------------------------------------------------------------------------------------

    /** Settings a test changes; the rest are the defaults. */
    private static final class Settings {
        int port;
        boolean startTls;
        boolean forceTls;
        boolean skipVerify;
        Path ca = CERTIFICATES.caFile();
        Path passwordFile;
        boolean clientCertificate;
        String serverName;
        String user;
        String password;
        String identity;
        int messagesPerConnection = 100;
        Clock clock = Clock.systemUTC();

        Settings withAuth(String user, String password, String identity) {
            this.user = user;
            this.password = password;
            this.identity = identity;
            return this;
        }
    }

    private static Settings config(int port, Consumer<Settings> change) {
        Settings settings = new Settings();
        settings.port = port;
        change.accept(settings);
        return settings;
    }

    private static SmtpSender sender(Settings s) {
        EmailConfig config = new EmailConfig(
                Optional.of("Herald <herald@example.com>"),
                new HostPort("localhost", s.port),
                "localhost",
                Optional.ofNullable(s.user),
                Optional.ofNullable(s.password).map(Secret::of),
                Optional.ofNullable(s.passwordFile),
                Optional.ofNullable(s.identity),
                s.forceTls,
                s.startTls,
                s.skipVerify,
                Optional.ofNullable(s.serverName),
                s.clientCertificate ? Optional.of(CERTIFICATES.clientCertificateFile()) : Optional.empty(),
                s.clientCertificate ? Optional.of(CERTIFICATES.clientKeyFile()) : Optional.empty(),
                Optional.ofNullable(s.ca),
                s.messagesPerConnection,
                Duration.ofSeconds(30));
        return new SmtpSender(config, Duration.ofSeconds(5), s.clock);
    }

    static Delivery delivery(UUID id, String email, String title) {
        UUID template = UUID.fromString("f517da0b-cdc9-410f-ab89-a86107c420ed");
        MessagePayload payload = new MessagePayload(
                "1.2",
                "Workspace Deleted",
                template,
                UUID.randomUUID(),
                email,
                "Ada",
                "ada",
                List.of(),
                Map.of("name", "ws"),
                Map.of(),
                null);
        LeasedMessage message = new LeasedMessage(
                id,
                template,
                "Workspace Deleted",
                "t",
                "b",
                NotificationMethod.SMTP,
                payload,
                0,
                Instant.now(),
                Instant.now().plusSeconds(120),
                0);
        RenderedMessage rendered = new RenderedMessage(
                title,
                "Hi Ada\n\nYour workspace **ws** was deleted.",
                List.of(new MessagePayload.Action("View workspaces", "https://herald.example.com/workspaces")));
        return new Delivery(
                message,
                rendered,
                "<p>Hi Ada</p>\n<p>Your workspace <strong>ws</strong> was" + " deleted.</p>\n",
                "Hi Ada\n\nYour workspace ws was deleted.",
                "https://herald.example.com/settings/notifications",
                "https://herald.example.com/settings/notifications?disabled=" + template);
    }
}
