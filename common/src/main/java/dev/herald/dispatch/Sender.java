package dev.herald.dispatch;

import dev.herald.model.NotificationMethod;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** One delivery method. It reports failures as values and honours its own network timeouts. */
public interface Sender extends AutoCloseable {

    NotificationMethod method();

    /**
     * Delivers one message. Called from many threads at once.
     *
     * @throws InterruptedException when the dispatcher is stopping
     */
    DeliveryResult send(Delivery delivery) throws InterruptedException;

    /**
     * Starts one delivery and completes with its result; called on the dispatch loop's own thread, so it must not
     * block. By default {@link #send} runs on {@code blocking}, a virtual thread per call. A sender whose client does
     * non-blocking I/O overrides this: then no thread waits on the network, and no thread is handed the message and
     * handed it back, which in issue 14's profile cost more than the request itself.
     */
    default CompletableFuture<DeliveryResult> sendAsync(Delivery delivery, Executor blocking) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return send(delivery);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new DeliveryResult.Retryable("the dispatcher stopped during the send");
                    }
                },
                blocking);
    }

    @Override
    default void close() {}
}
