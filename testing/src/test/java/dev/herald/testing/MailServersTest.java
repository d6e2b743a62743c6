package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SMTP fixtures are real servers: a real Jakarta Mail client talks to them over TLS with authentication. */
class MailServersTest {

    private static final TestCertificates CERTIFICATES = TestCertificates.createTemporary();

    @RegisterExtension
    static final SmtpServer startTls = SmtpServer.builder()
            .startTls(CERTIFICATES.serverContext())
            .requireTls()
            .credentials("herald", "s3cret")
            .advertise("CRAM-MD5", "PLAIN", "LOGIN")
            .build();

    @RegisterExtension
    static final SmtpServer implicitTls =
            SmtpServer.builder().implicitTls(CERTIFICATES.serverContext()).build();

    @RegisterExtension
    static final GreenMailExtension greenMail = GreenMailFixtures.smtpAndSmtps();

    @Test
    void startTlsWithPlainAuthenticationAndAnAuthorizationIdentity() throws Exception {
        Properties properties = clientProperties(startTls.port());
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put(
                "mail.smtp.ssl.socketFactory", CERTIFICATES.clientContext().getSocketFactory());
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", "PLAIN");
        properties.put("mail.smtp.sasl.authorizationid", "on-behalf-of");
        properties.put("mail.smtp.auth.plain.disable", "false");

        send(properties, "herald", "s3cret", 2);

        assertThat(startTls.messages()).hasSize(2);
        assertThat(startTls.messages().getFirst().authenticatedUser()).isEqualTo("herald");
        assertThat(startTls.messages().getFirst().authorizationIdentity()).isEqualTo("on-behalf-of");
        assertThat(startTls.messages().getFirst().text()).contains("Subject: fixture");
        assertThat(startTls.messages())
                .extracting(SmtpServer.ReceivedMessage::sessionId)
                .containsOnly(startTls.messages().getFirst().sessionId());
    }

    @Test
    void loginAuthenticationAndScriptedRejections() throws Exception {
        startTls.reset();
        Properties properties = clientProperties(startTls.port());
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put(
                "mail.smtp.ssl.socketFactory", CERTIFICATES.clientContext().getSocketFactory());
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.auth.mechanisms", "LOGIN");

        startTls.rejectNext(1, 451, "4.3.0 try again later");
        assertThatThrownBy(() -> send(properties, "herald", "s3cret", 1))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("451");
        assertThatThrownBy(() -> send(properties, "herald", "wrong", 1)).isInstanceOf(MessagingException.class);

        send(properties, "herald", "s3cret", 1);
        assertThat(startTls.messages()).hasSize(1);
    }

    @Test
    void implicitTlsWithTheTestCertificateAuthority() throws Exception {
        Properties properties = clientProperties(implicitTls.port());
        properties.put("mail.smtp.ssl.enable", "true");
        properties.put(
                "mail.smtp.ssl.socketFactory", CERTIFICATES.clientContext().getSocketFactory());

        send(properties, null, null, 1);

        assertThat(implicitTls.messages()).hasSize(1);
    }

    @Test
    void anUntrustedCertificateIsRefusedByTheClient() throws Exception {
        Properties properties = clientProperties(implicitTls.port());
        properties.put("mail.smtp.ssl.enable", "true");
        properties.put("mail.smtp.ssl.socketFactory", SSLContext.getDefault().getSocketFactory());

        assertThatThrownBy(() -> send(properties, null, null, 1)).isInstanceOf(MessagingException.class);
    }

    @Test
    void greenMailTakesPlainSmtp() throws Exception {
        send(clientProperties(greenMail.getSmtp().getPort()), null, null, 1);

        assertThat(greenMail.getReceivedMessages()).hasSize(1);
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("fixture");
    }

    private static Properties clientProperties(int port) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "localhost");
        properties.put("mail.smtp.port", String.valueOf(port));
        properties.put("mail.smtp.connectiontimeout", "5000");
        properties.put("mail.smtp.timeout", "5000");
        return properties;
    }

    private static void send(Properties properties, String user, String password, int count) throws MessagingException {
        Session session = Session.getInstance(properties);
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(user, password);
            for (int i = 0; i < count; i++) {
                MimeMessage message = new MimeMessage(session);
                message.setFrom(new InternetAddress("herald@example.com"));
                message.setRecipient(Message.RecipientType.TO, new InternetAddress("danny@example.com"));
                message.setSubject("fixture");
                message.setText("hello " + i);
                transport.sendMessage(message, message.getAllRecipients());
            }
        }
    }
}
