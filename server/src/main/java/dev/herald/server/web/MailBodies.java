package dev.herald.server.web;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Properties;

/** The HTML body of a caught email, for showing it in a sandboxed frame. */
final class MailBodies {

    private MailBodies() {}

    static String html(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
            Object content = message.getContent();
            if (content instanceof Multipart multipart) {
                for (int i = multipart.getCount() - 1; i >= 0; i--) {
                    BodyPart part = multipart.getBodyPart(i);
                    if (part.isMimeType("text/html")) {
                        return (String) part.getContent();
                    }
                }
            }
            return "<pre>" + escape(String.valueOf(content)) + "</pre>";
        } catch (MessagingException | IOException e) {
            return "<p>This email could not be read: " + escape(e.getMessage()) + "</p>";
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
