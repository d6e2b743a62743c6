package dev.herald.smtp;

import dev.herald.config.EmailConfig;
import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.Sender;
import dev.herald.model.Appearance;
import dev.herald.model.NotificationMethod;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.function.Supplier;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends email through the configured smarthost with Jakarta Mail. SMTP sessions are reused: one connection carries up
 * to {@code --notifications-email-max-messages-per-connection} messages (with RSET between them), is closed when idle
 * longer than {@code --notifications-email-connection-idle-timeout}, and is replaced
 * after any error, so one bad exchange never poisons the next message.
 */
public final class SmtpSender implements Sender {

    /** Herald speaks these; a server that offers only others (CRAM-MD5, XOAUTH2) cannot be used. */
    static final String MECHANISMS = "PLAIN LOGIN";

    /** Where Jakarta Mail looks first for its stream provider, before it searches the class path. */
    static final String STREAM_PROVIDER_PROPERTY = "jakarta.mail.util.StreamProvider";

    /** Angus Mail's provider, the one the class-path search would find. */
    static final String STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

    static {
        // Jakarta Mail 2.1 looks its stream provider up with a ServiceLoader every time it creates a body part or
        // encodes one, reading every jar on the class path (jakartaee/mail-api#699, #861): 41% of Herald's CPU when
        // sending email in issue 14's profile. Named here, it is one class lookup. An operator's own choice stays.
        if (System.getProperty(STREAM_PROVIDER_PROPERTY) == null) {
            System.setProperty(STREAM_PROVIDER_PROPERTY, STREAM_PROVIDER);
        }
    }

    private final EmailConfig config;
    private final InternetAddress from;
    private final Session session;
    private final Clock clock;
    private final int messagesPerConnection;
    private final Duration idleTimeout;
    private final Supplier<Appearance> appearance;
    private final LinkedBlockingDeque<Connection> idle = new LinkedBlockingDeque<>();

    /** A connected transport and how it has been used. */
    private static final class Connection {
        final SMTPTransport transport;
        int messages;
        Instant lastUsed;

        Connection(SMTPTransport transport, Instant now) {
            this.transport = transport;
            this.lastUsed = now;
        }
    }

    /**
     * @throws IllegalArgumentException when the sender address or the TLS files cannot be used
     */
    public SmtpSender(EmailConfig config, Duration timeout, Clock clock) {
        this(config, timeout, clock, () -> new Appearance("", ""));
    }

    /**
     * @param appearance the application name and logo each email shows, read for every email (the source caches)
     * @throws IllegalArgumentException when the sender address or the TLS files cannot be used
     */
    public SmtpSender(EmailConfig config, Duration timeout, Clock clock, Supplier<Appearance> appearance) {
        this.config = config;
        this.appearance = appearance;
        this.clock = clock;
        this.messagesPerConnection = config.maxMessagesPerConnection();
        this.idleTimeout = config.connectionIdleTimeout();
        try {
            this.from = new InternetAddress(
                    config.from()
                            .orElseThrow(() -> new IllegalArgumentException(
                                    "--notifications-email-from is required by the SMTP method")),
                    true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("--notifications-email-from is not a valid address: " + e.getMessage());
        }
        this.session = Session.getInstance(properties(config, timeout));
    }

    @Override
    public NotificationMethod method() {
        return NotificationMethod.SMTP;
    }

    @Override
    public DeliveryResult send(Delivery delivery) {
        MimeMessage message;
        try {
            message = EmailMessage.build(session, from, delivery, appearance.get(), clock.instant());
        } catch (AddressException e) {
            return new DeliveryResult.Permanent("invalid recipient address \""
                    + delivery.message().payload().userEmail() + "\": " + e.getMessage());
        } catch (MessagingException e) {
            return new DeliveryResult.Permanent("the email could not be built: " + SmtpClassifier.describe(e));
        }
        Connection connection;
        try {
            connection = borrow();
        } catch (NotOffered e) {
            return new DeliveryResult.Permanent(e.getMessage());
        } catch (MessagingException e) {
            return SmtpClassifier.classify(e);
        } catch (IOException e) {
            return new DeliveryResult.Retryable("the SMTP password file could not be read: " + e.getMessage());
        }
        try {
            connection.transport.sendMessage(message, message.getAllRecipients());
            connection.messages++;
            giveBack(connection);
            return new DeliveryResult.Delivered();
        } catch (MessagingException e) {
            close(connection);
            return SmtpClassifier.classify(e);
        }
    }

    @Override
    public void close() {
        Connection connection;
        while ((connection = idle.poll()) != null) {
            close(connection);
        }
    }

    private Connection borrow() throws MessagingException, IOException, NotOffered {
        Instant now = clock.instant();
        Connection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.transport.isConnected()
                    && Duration.between(connection.lastUsed, now).compareTo(idleTimeout) < 0) {
                return connection;
            }
            close(connection);
        }
        SMTPTransport transport = (SMTPTransport) session.getTransport("smtp");
        String user = config.authUsername().orElse(null);
        transport.connect(config.smarthost().host(), config.smarthost().port(), user, password());
        if (config.authConfigured() && !transport.supportsExtension("AUTH")) {
            transport.close();
            throw new NotOffered("authentication is configured (--notifications-email-auth-username) but "
                    + config.smarthost() + " does not offer AUTH"
                    + (config.useStartTls() || config.implicitTls()
                            ? ""
                            : "; many servers offer it only over TLS: enable --notifications-email-tls-starttls")
                    + ", or remove the username");
        }
        return new Connection(transport, now);
    }

    private void giveBack(Connection connection) {
        connection.lastUsed = clock.instant();
        if (connection.messages < messagesPerConnection) {
            idle.offerFirst(connection);
        } else {
            close(connection);
        }
    }

    /** The password file is read for every new connection, so a rotated password needs no restart. */
    private String password() throws IOException {
        if (config.authPasswordFile().isPresent()) {
            return Files.readString(config.authPasswordFile().get(), StandardCharsets.UTF_8)
                    .strip();
        }
        return config.authPassword().map(dev.herald.config.Secret::reveal).orElse(null);
    }

    private static void close(Connection connection) {
        try {
            connection.transport.close();
        } catch (MessagingException ignored) {
            // The connection is being discarded after an error or at the end of its life.
        }
    }

    private static Properties properties(EmailConfig config, Duration timeout) {
        Properties properties = new Properties();
        String millis = String.valueOf(timeout.toMillis());
        properties.put("mail.smtp.host", config.smarthost().host());
        properties.put("mail.smtp.port", String.valueOf(config.smarthost().port()));
        properties.put("mail.smtp.localhost", config.hello());
        properties.put("mail.smtp.connectiontimeout", millis);
        properties.put("mail.smtp.timeout", millis);
        properties.put("mail.smtp.writetimeout", millis);
        // A pooled connection is checked before reuse with RSET instead of NOOP: one round trip that both proves the
        // connection alive and clears the previous transaction, where NOOP and then RSET took two.
        properties.put("mail.smtp.userset", "true");
        properties.put("mail.smtp.auth", String.valueOf(config.authConfigured()));
        properties.put("mail.smtp.auth.mechanisms", MECHANISMS);
        config.authIdentity().ifPresent(identity -> properties.put("mail.smtp.sasl.authorizationid", identity));
        properties.put("mail.smtp.ssl.enable", String.valueOf(config.implicitTls()));
        properties.put("mail.smtp.starttls.enable", String.valueOf(config.useStartTls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(config.useStartTls()));
        properties.put("mail.smtp.ssl.socketFactory", SmtpTls.socketFactory(config));
        properties.put("mail.smtp.ssl.checkserveridentity", String.valueOf(SmtpTls.mailChecksServerIdentity(config)));
        return properties;
    }

    /** The server lacks something the configuration requires: retrying cannot help. */
    private static final class NotOffered extends Exception {
        private static final long serialVersionUID = 1L;

        NotOffered(String message) {
            super(message);
        }
    }
}
