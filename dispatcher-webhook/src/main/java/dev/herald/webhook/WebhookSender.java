package dev.herald.webhook;

import dev.herald.config.Secret;
import dev.herald.config.WebhookConfig;
import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;
import dev.herald.webhook.payload.WebhookBody;
import dev.herald.webhook.payload.WebhookClassifier;
import dev.herald.webhook.payload.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs each message to the configured endpoint with Apache HttpClient 5 (async, pooled), signed when secrets are
 * configured. Redirects are not followed: a moved endpoint is a configuration to fix, not a hop to take blindly.
 */
public final class WebhookSender implements Sender {

    /** Of a receiver's answer, only this much is read: enough for any error message worth showing. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI endpoint;
    private final WebhookConfig config;
    private final Duration requestTimeout;
    private final Clock clock;
    private final WebhookBody body = new WebhookBody();
    private final MinimalHttpAsyncClient client;
    private final RequestConfig requestConfig;

    public WebhookSender(URI endpoint, WebhookConfig config, Duration requestTimeout, int maxConnections, Clock clock) {
        this.endpoint = endpoint;
        this.config = config;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        // The minimal client: no redirects, retries, authentication, cookies or response decompression, which Herald
        // does not want, and no per-request work for them (its full client parsed each request's URI for the
        // authentication cache: 7% of the dispatch thread in issue 14's profile).
        this.client = HttpAsyncClients.createMinimal(PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(config.connectTimeout()))
                        .setSocketTimeout(Timeout.of(requestTimeout))
                        .build())
                .build());
        this.requestConfig = RequestConfig.custom()
                .setResponseTimeout(Timeout.of(requestTimeout))
                .build();
        this.client.start();
    }

    @Override
    public NotificationMethod method() {
        return NotificationMethod.WEBHOOK;
    }

    /** Blocking form of {@link #sendAsync}, for callers outside the dispatch loop. */
    @Override
    public DeliveryResult send(Delivery delivery) throws InterruptedException {
        CompletableFuture<DeliveryResult> result = sendAsync(delivery, Runnable::run);
        try {
            return result.get(requestTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return failed(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            return new DeliveryResult.Retryable("webhook endpoint did not answer within " + requestTimeout);
        }
    }

    /**
     * Starts the request and returns at once; the client's I/O thread classifies the answer. Completing the returned
     * future exceptionally, by cancelling it or by the dispatch loop's timeout, abandons the request.
     */
    @Override
    public CompletableFuture<DeliveryResult> sendAsync(Delivery delivery, Executor blocking) {
        if (endpoint == null || endpoint.getHost() == null) {
            return CompletableFuture.completedFuture(new DeliveryResult.Permanent("the webhook endpoint \"" + endpoint
                    + "\" is not a valid URL; set --notifications-webhook-endpoint"));
        }
        byte[] json;
        try {
            json = body.render(delivery);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new DeliveryResult.Permanent(e.getMessage()));
        }
        String messageId = delivery.message().id().toString();
        SimpleRequestBuilder request = SimpleRequestBuilder.post(endpoint)
                .setBody(json, ContentType.APPLICATION_JSON)
                .addHeader("User-Agent", "Herald")
                .addHeader("X-Message-Id", messageId);
        List<Secret> secrets;
        try {
            secrets = secrets();
        } catch (IOException e) {
            return CompletableFuture.completedFuture(new DeliveryResult.Retryable(
                    "the webhook signing secret file could not be read: " + e.getMessage()));
        }
        if (!secrets.isEmpty()) {
            long timestamp = clock.instant().getEpochSecond();
            request.addHeader("webhook-id", messageId)
                    .addHeader("webhook-timestamp", String.valueOf(timestamp))
                    .addHeader("webhook-signature", WebhookSignature.sign(secrets, messageId, timestamp, json));
        }
        return execute(request.build());
    }

    private CompletableFuture<DeliveryResult> execute(SimpleHttpRequest request) {
        CompletableFuture<DeliveryResult> result = new CompletableFuture<>();
        Future<BoundedResponseConsumer.Answer> call = client.execute(
                SimpleRequestProducer.create(request),
                new BoundedResponseConsumer(MAX_RESPONSE_BYTES),
                context(),
                new FutureCallback<>() {
                    @Override
                    public void completed(BoundedResponseConsumer.Answer answer) {
                        // On the client's I/O thread: whatever happens, the future completes, or the send would hold
                        // its slot until the dispatch timeout.
                        try {
                            result.complete(classify(answer));
                        } catch (RuntimeException e) {
                            result.complete(WebhookSender.this.failed(e));
                        }
                    }

                    @Override
                    public void failed(Exception failure) {
                        result.complete(WebhookSender.this.failed(failure));
                    }

                    @Override
                    public void cancelled() {
                        result.complete(new DeliveryResult.Retryable(
                                "webhook request to " + endpoint.getHost() + " was abandoned"));
                    }
                });
        result.whenComplete((answer, failure) -> {
            if (failure != null) {
                call.cancel(true);
            }
        });
        return result;
    }

    private HttpClientContext context() {
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(requestConfig);
        return context;
    }

    private DeliveryResult failed(Throwable cause) {
        if (cause instanceof BoundedResponseConsumer.LimitReached reached) {
            return classify(reached.answer());
        }
        return new DeliveryResult.Retryable("webhook request to " + endpoint.getHost() + " failed: "
                + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    private DeliveryResult classify(BoundedResponseConsumer.Answer answer) {
        return WebhookClassifier.classify(answer.status(), answer.retryAfter(), answer.body(), clock.instant());
    }

    /** Secrets from the flag plus the file, which is read for every request so that rotation needs no restart. */
    private List<Secret> secrets() throws IOException {
        List<Secret> secrets = new ArrayList<>(config.signingSecrets());
        if (config.signingSecretFile().isPresent()) {
            Path file = config.signingSecretFile().get();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    secrets.add(Secret.of(line.strip()));
                }
            }
        }
        return secrets;
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }
}
