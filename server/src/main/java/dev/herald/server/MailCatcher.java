package dev.herald.server;

import dev.herald.server.web.DevMailbox;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * Development mode's local SMTP server: accepts every message Herald sends, logs who it was for and its subject, and
 * keeps it as an {@code .eml} file under the data directory (and the most recent ones in memory for the web UI).
 */
final class MailCatcher implements DevMailbox, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailCatcher.class);
    private static final int KEPT_IN_MEMORY = 200;

    private final SMTPServer server;
    private final Path directory;
    private final Clock clock;
    private final AtomicLong count = new AtomicLong();
    private final ConcurrentLinkedDeque<Email> recent = new ConcurrentLinkedDeque<>();

    private MailCatcher(Path directory, Clock clock) {
        this.directory = directory;
        this.clock = clock;
        this.server = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("herald-mail-catcher")
                .messageHandlerFactory(Catch::new)
                .build();
    }

    static MailCatcher start(Path directory, Clock clock) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + directory + " for caught emails: " + e.getMessage());
        }
        MailCatcher catcher = new MailCatcher(directory, clock);
        catcher.server.start();
        log.info(
                "development mail catcher listening on 127.0.0.1:{}; every notification email lands in {}",
                catcher.port(),
                directory);
        return catcher;
    }

    int port() {
        return server.getPortAllocated();
    }

    @Override
    public List<Email> recent() {
        return new ArrayList<>(recent);
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        server.stop();
    }

    private void caught(String from, List<String> to, byte[] raw) {
        long number = count.incrementAndGet();
        String subject = subject(raw);
        Instant now = clock.instant();
        Path file =
                directory.resolve(String.format("%s-%05d.eml", now.toString().replace(':', '-'), number));
        try {
            Files.write(file, raw);
        } catch (IOException e) {
            log.warn("could not keep the caught email in {}: {}", file, e.getMessage());
        }
        recent.addFirst(new Email(number, now, List.copyOf(to), subject, raw));
        while (recent.size() > KEPT_IN_MEMORY) {
            recent.pollLast();
        }
        log.info("notifications email caught for {}: \"{}\" (saved as {})", String.join(", ", to), subject, file);
    }

    private static String subject(byte[] raw) {
        try {
            String subject =
                    new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)).getSubject();
            return subject == null ? "" : subject;
        } catch (jakarta.mail.MessagingException e) {
            return "(unreadable subject)";
        }
    }

    private final class Catch implements MessageHandler {
        private String from;
        private final List<String> to = new ArrayList<>();

        Catch(MessageContext context) {}

        @Override
        public void from(String address) {
            from = address;
        }

        @Override
        public void recipient(String address) {
            to.add(address);
        }

        @Override
        public String data(InputStream data) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            data.transferTo(bytes);
            caught(from, to, bytes.toByteArray());
            return null;
        }

        @Override
        public void done() {}
    }
}
