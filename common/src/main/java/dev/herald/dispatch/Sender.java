package dev.herald.dispatch;

import dev.herald.model.NotificationMethod;

/** One delivery method. It reports failures as values and honours its own network timeouts. */
public interface Sender extends AutoCloseable {

    NotificationMethod method();

    /**
     * Delivers one message. Called from many threads at once.
     *
     * @throws InterruptedException when the dispatcher is stopping
     */
    DeliveryResult send(Delivery delivery) throws InterruptedException;

    @Override
    default void close() {}
}
