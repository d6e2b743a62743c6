package dev.herald.smtp;

import dev.herald.dispatch.Delivery;
import dev.herald.model.Appearance;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * Builds the MIME message: multipart/alternative with the plain text first and the HTML last (clients show the last
 * part they can), a {@code Message-ID} made from Herald's message id so receivers can drop repeats, and a subject
 * encoded per RFC 2047 when it is not ASCII. Header values pass through Jakarta Mail's encoders, never by hand.
 */
final class EmailMessage {

    private EmailMessage() {}

    /**
     * @throws jakarta.mail.internet.AddressException when the recipient's address cannot be written
     */
    static MimeMessage build(
            Session session, InternetAddress from, Delivery delivery, Appearance appearance, Instant now)
            throws MessagingException {
        String messageId = "<" + delivery.message().id() + "@" + domain(from) + ">";
        MimeMessage message = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        message.setFrom(from);
        message.setRecipient(
                MimeMessage.RecipientType.TO,
                new InternetAddress(delivery.message().payload().userEmail(), true));
        message.setSubject(delivery.rendered().title(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(now));
        MimeBodyPart text = TextPart.of(EmailLayout.text(delivery, appearance), "plain");
        MimeBodyPart html = TextPart.of(EmailLayout.html(delivery, appearance), "html");
        MimeMultipart alternative = new MimeMultipart("alternative", text, html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    private static String domain(InternetAddress from) {
        String address = from.getAddress();
        int at = address.lastIndexOf('@');
        return at < 0 ? "herald" : address.substring(at + 1);
    }
}
