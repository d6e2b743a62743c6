package dev.herald.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP server on the loopback interface that records every request and answers from a script: queued
 * responses are used first, in order, then the default response.
 */
public final class HttpReceiver implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** One request as the receiver saw it. Header names are lower-cased. */
    public record Request(
            String method, String path, Map<String, String> headers, String body, java.time.Instant receivedAt) {
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A scripted answer: status, headers, body, and how long to wait before answering. */
    public record Response(int status, Map<String, String> headers, String body, Duration delay) {
        public static Response status(int status) {
            return new Response(status, Map.of(), "", Duration.ZERO);
        }

        public Response withHeader(String name, String value) {
            Map<String, String> copy = new TreeMap<>(headers);
            copy.put(name, value);
            return new Response(status, copy, body, delay);
        }

        public Response withBody(String newBody) {
            return new Response(status, headers, newBody, delay);
        }

        public Response after(Duration newDelay) {
            return new Response(status, headers, body, newDelay);
        }
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Response> script = new ConcurrentLinkedQueue<>();
    private volatile Response defaultResponse = Response.status(200);
    private HttpServer server;
    private ExecutorService executor;

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public synchronized HttpReceiver start() {
        if (server != null) {
            return this;
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Queues responses to give, in order, before falling back to the default. */
    public HttpReceiver respond(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    public HttpReceiver respondByDefault(Response response) {
        defaultResponse = response;
        return this;
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** Forgets recorded requests and queued responses, and answers 200 by default again. */
    public void reset() {
        requests.clear();
        script.clear();
        defaultResponse = Response.status(200);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders()
                    .forEach((name, values) ->
                            headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    Map.copyOf(headers),
                    body,
                    java.time.Instant.now()));
            Response response = script.poll();
            if (response == null) {
                response = defaultResponse;
            }
            if (!response.delay().isZero()) {
                try {
                    Thread.sleep(response.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            response.headers()
                    .forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }
}
