package dev.herald.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.AuthenticationHandlerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.auth.LoginAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server (SubEthaSMTP) that speaks STARTTLS or implicit TLS and AUTH PLAIN/LOGIN, which GreenMail does not.
 * It records every accepted message with the SMTP session it came through, so tests can see connection reuse, and
 * can be scripted to reject the next messages with a given reply code.
 */
public final class SmtpServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** A message as the server accepted it. {@code authorizationIdentity} is the PLAIN authzid, if one was sent. */
    public record ReceivedMessage(
            String sessionId,
            String envelopeFrom,
            List<String> recipients,
            byte[] data,
            String authenticatedUser,
            String authorizationIdentity) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private record Rejection(int code, String text) {}

    private final Builder settings;
    private final List<ReceivedMessage> messages = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Rejection> rejections = new ConcurrentLinkedQueue<>();
    private SMTPServer server;

    private SmtpServer(Builder settings) {
        this.settings = settings;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings of the server; all optional. */
    public static final class Builder {
        private SSLContext startTls;
        private SSLContext implicitTls;
        private boolean requireTls;
        private boolean requireClientCertificate;
        private String username;
        private String password;
        private List<String> advertisedMechanisms = List.of("PLAIN", "LOGIN");

        /** Offers STARTTLS with this context (see {@link TestCertificates#serverContext()}). */
        public Builder startTls(SSLContext context) {
            this.startTls = context;
            return this;
        }

        /** Refuses mail until the client has upgraded with STARTTLS. */
        public Builder requireTls() {
            this.requireTls = true;
            return this;
        }

        /** With STARTTLS: refuses the handshake unless the client presents a certificate the context trusts. */
        public Builder requireClientCertificate() {
            this.requireClientCertificate = true;
            return this;
        }

        /** Speaks TLS from the first byte (SMTPS), as on port 465. */
        public Builder implicitTls(SSLContext context) {
            this.implicitTls = context;
            return this;
        }

        /** Requires AUTH with these credentials. */
        public Builder credentials(String user, String secret) {
            this.username = user;
            this.password = secret;
            return this;
        }

        /** The mechanisms the EHLO reply lists, in order; only PLAIN and LOGIN actually work. */
        public Builder advertise(String... mechanisms) {
            this.advertisedMechanisms = List.of(mechanisms);
            return this;
        }

        public SmtpServer build() {
            return new SmtpServer(this);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public synchronized SmtpServer start() {
        if (server != null) {
            return this;
        }
        SMTPServer.Builder builder = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("localhost")
                .messageHandlerFactory(context -> new Recorder(context));
        if (settings.startTls != null) {
            builder.enableTLS()
                    .startTlsSocketFactory(settings.startTls, settings.requireClientCertificate)
                    .requireTLS(settings.requireTls);
        }
        if (settings.implicitTls != null) {
            builder.serverSocketFactory(settings.implicitTls);
        }
        if (settings.username != null) {
            builder.authenticationHandlerFactory(new Authentication()).requireAuth();
        }
        server = builder.build();
        server.start();
        return this;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<ReceivedMessage> messages() {
        return new ArrayList<>(messages);
    }

    /** The next {@code count} messages are refused at DATA with {@code code text}. */
    public void rejectNext(int count, int code, String text) {
        for (int i = 0; i < count; i++) {
            rejections.add(new Rejection(code, text));
        }
    }

    public void reset() {
        messages.clear();
        rejections.clear();
    }

    private final class Recorder implements MessageHandler {
        private final MessageContext context;
        private String from;
        private final List<String> recipients = new ArrayList<>();

        Recorder(MessageContext context) {
            this.context = context;
        }

        @Override
        public void from(String address) {
            this.from = address;
        }

        @Override
        public void recipient(String address) {
            recipients.add(address);
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            data.transferTo(bytes);
            Rejection rejection = rejections.poll();
            if (rejection != null) {
                throw new RejectException(rejection.code(), rejection.text());
            }
            Optional<AuthenticationHandler> auth = context.getAuthenticationHandler();
            String user = auth.map(h -> String.valueOf(h.getIdentity())).orElse(null);
            String authzid = auth.filter(h -> h instanceof ScriptedAuthHandler)
                    .map(h -> ((ScriptedAuthHandler) h).authorizationIdentity)
                    .orElse(null);
            messages.add(new ReceivedMessage(
                    context.getSessionId(), from, List.copyOf(recipients), bytes.toByteArray(), user, authzid));
            return null;
        }

        @Override
        public void done() {}
    }

    private boolean validCredentials(String user, String secret) {
        return settings.username.equals(user) && settings.password.equals(secret);
    }

    /** Advertises whatever the test asks for, and actually implements PLAIN (recording the authzid) and LOGIN. */
    private final class Authentication implements AuthenticationHandlerFactory {
        @Override
        public List<String> getAuthenticationMechanisms() {
            return settings.advertisedMechanisms;
        }

        @Override
        public AuthenticationHandler create() {
            return new ScriptedAuthHandler();
        }
    }

    private final class ScriptedAuthHandler implements AuthenticationHandler {
        private AuthenticationHandler login;
        private String identity;
        private String authorizationIdentity;
        private boolean awaitingPlainResponse;

        @Override
        public Optional<String> auth(String clientInput, MessageContext context) throws RejectException {
            if (login != null) {
                return login.auth(clientInput, context);
            }
            if (awaitingPlainResponse) {
                return plain(clientInput.trim());
            }
            String[] words = clientInput.trim().split(" ");
            String mechanism = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
            if (!settings.advertisedMechanisms.contains(mechanism)) {
                throw new RejectException(504, "5.5.4 Unrecognized authentication type");
            }
            switch (mechanism) {
                case "PLAIN" -> {
                    if (words.length > 2) {
                        return plain(words[2]);
                    }
                    awaitingPlainResponse = true;
                    return Optional.of("334 ");
                }
                case "LOGIN" -> {
                    login = new LoginAuthenticationHandlerFactory((user, secret, ctx) -> {
                                if (!validCredentials(user, secret)) {
                                    throw new LoginFailedException();
                                }
                                identity = user;
                            })
                            .create();
                    return login.auth(clientInput, context);
                }
                default -> throw new RejectException(504, "5.5.4 " + mechanism + " is advertised but not implemented");
            }
        }

        private Optional<String> plain(String encoded) throws RejectException {
            awaitingPlainResponse = false;
            String[] parts;
            try {
                parts = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).split("\0", -1);
            } catch (IllegalArgumentException e) {
                throw new RejectException(501, "5.5.2 invalid base64");
            }
            if (parts.length != 3 || !validCredentials(parts[1], parts[2])) {
                throw new RejectException(535, "5.7.8 Authentication credentials invalid");
            }
            authorizationIdentity = parts[0].isEmpty() ? null : parts[0];
            identity = parts[1];
            return Optional.empty();
        }

        @Override
        public Object getIdentity() {
            return login != null ? login.getIdentity() : identity;
        }
    }
}
