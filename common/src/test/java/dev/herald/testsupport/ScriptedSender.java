package dev.herald.testsupport;

import dev.herald.dispatch.Delivery;
import dev.herald.dispatch.DeliveryResult;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sender whose answers a test scripts, recording every delivery it was handed. */
public final class ScriptedSender implements Sender {

    private final NotificationMethod method;
    private final ConcurrentLinkedQueue<DeliveryResult> script = new ConcurrentLinkedQueue<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    public ScriptedSender(NotificationMethod method) {
        this.method = method;
    }

    /** The next answers, in order; once they are used up every send is delivered. */
    public ScriptedSender then(DeliveryResult... results) {
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

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public long deliveriesOf(UUID id) {
        return deliveries.stream().filter(d -> d.message().id().equals(id)).count();
    }
}
