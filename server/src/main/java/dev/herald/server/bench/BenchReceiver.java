package dev.herald.server.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * The bench's receivers: an HTTP endpoint answering every webhook 200 at once and an SMTP server accepting every
 * email, each noting when each message id first arrived (a repeat is counted, not timed again). Both do as little as
 * possible, so that the receiver is never what is measured.
 */
final class BenchReceiver implements AutoCloseable {

    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*<([0-9a-f-]{36})@");

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpServer http;
    private final SMTPServer smtp;
    private final java.util.concurrent.atomic.LongAdder repeats = new java.util.concurrent.atomic.LongAdder();

    BenchReceiver(InetSocketAddress httpAddress, InetSocketAddress smtpAddress) throws IOException {
        http = HttpServer.create(httpAddress, 1024);
        http.setExecutor(workers);
        http.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            arrived(exchange.getRequestHeaders().getFirst("X-Message-Id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.start();
        smtp = SMTPServer.port(smtpAddress.getPort())
                .bindAddress(smtpAddress.getAddress())
                .hostName("herald-bench")
                .maxConnections(1024)
                .messageHandlerFactory(Accept::new)
                .build();
        smtp.start();
    }

    static BenchReceiver onLoopback(int httpPort, int smtpPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        return new BenchReceiver(new InetSocketAddress(loopback, httpPort), new InetSocketAddress(loopback, smtpPort));
    }

    int httpPort() {
        return http.getAddress().getPort();
    }

    int smtpPort() {
        return smtp.getPortAllocated();
    }

    /** When each message id first arrived ({@link System#nanoTime()}). */
    Map<String, Long> arrivals() {
        return arrivals;
    }

    long repeats() {
        return repeats.sum();
    }

    private void arrived(String messageId) {
        if (messageId != null && arrivals.putIfAbsent(messageId, System.nanoTime()) != null) {
            repeats.increment();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        smtp.stop();
        workers.close();
    }

    private final class Accept implements MessageHandler {
        Accept(MessageContext context) {}

        @Override
        public void from(String address) {}

        @Override
        public void recipient(String address) {}

        @Override
        public String data(InputStream data) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            data.transferTo(bytes);
            Matcher id = MESSAGE_ID.matcher(bytes.toString(StandardCharsets.ISO_8859_1));
            arrived(id.find() ? id.group(1) : null);
            return null;
        }

        @Override
        public void done() {}
    }
}
