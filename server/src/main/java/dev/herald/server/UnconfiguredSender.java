package dev.herald.server;

import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;

/**
 * Stands in for a method the deployment did not configure (no webhook endpoint, no sender address) when a template
 * still routes messages to it: each such message fails permanently with a reason that names the missing setting,
 * instead of waiting for ever.
 */
final class UnconfiguredSender implements Sender {

    private final NotificationMethod method;
    private final String reason;

    UnconfiguredSender(NotificationMethod method, String reason) {
        this.method = method;
        this.reason = reason;
    }

    @Override
    public NotificationMethod method() {
        return method;
    }

    @Override
    public DeliveryResult send(Delivery delivery) {
        return new DeliveryResult.Permanent(reason);
    }
}
