package dev.herald.dispatch;

import dev.herald.model.NotificationMethod;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sender whose answers a test scripts, recording every delivery it was handed. */
final class ScriptedSender implements Sender {

    private final NotificationMethod method;
    private final ConcurrentLinkedQueue<DeliveryResult> script = new ConcurrentLinkedQueue<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    ScriptedSender(NotificationMethod method) {
        this.method = method;
    }

    ScriptedSender then(DeliveryResult... results) {
        script.addAll(List.of(results));
        return this;
    }

    @Override
    public NotificationMethod method() {
        return method;
    }

    @Override
    public DeliveryResult send(Delivery delivery) {
        deliveries.add(delivery);
        DeliveryResult next = script.poll();
        return next == null ? new DeliveryResult.Delivered() : next;
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    long deliveriesOf(UUID id) {
        return deliveries.stream().filter(d -> d.message().id().equals(id)).count();
    }
}
