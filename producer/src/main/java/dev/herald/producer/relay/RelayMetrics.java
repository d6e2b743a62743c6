package dev.herald.producer.relay;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import dev.herald.model.NotificationMethod;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The relay's numbers: tokens published per method, relay lag (now minus the commit of the row's insert, at publish), the
 * replication slot's lag in bytes, whether this replica is the active one, its state, how long it has been in it,
 * and how often the change stream was restarted.
 */
final class RelayMetrics {

    private final Map<NotificationMethod, Counter> relayed = new EnumMap<>(NotificationMethod.class);
    private final Histogram lagMillis;
    private final AtomicLong slotLagBytes = new AtomicLong(-1);
    private final AtomicLong leader = new AtomicLong();
    private final Counter restarts;
    private final MetricRegistry registry;

    RelayMetrics(MetricRegistry registry) {
        this.registry = registry;
        for (NotificationMethod method : NotificationMethod.values()) {
            relayed.put(method, registry.counter("herald.relay.records." + method.sqlName()));
        }
        lagMillis = registry.histogram("herald.relay.lag_ms");
        registry.gauge("herald.relay.slot_lag_bytes", () -> slotLagBytes::get);
        registry.gauge("herald.relay.leader", () -> leader::get);
        restarts = registry.counter("herald.relay.restarts");
    }

    /** The current state as a gauge per state (1 for the current one), and how long it has lasted. */
    void follow(Supplier<CdcRelay.State> state, LongSupplier secondsInState) {
        for (CdcRelay.State each : CdcRelay.State.values()) {
            registry.gauge("herald.relay.state." + each.label(), () -> () -> state.get() == each ? 1 : 0);
        }
        registry.gauge("herald.relay.state_seconds", () -> secondsInState::getAsLong);
    }

    void restarted() {
        restarts.inc();
    }

    void relayed(NotificationMethod method, Duration lag) {
        relayed.get(method).inc();
        lagMillis.update(Math.max(0, lag.toMillis()));
    }

    long relayedCount(NotificationMethod method) {
        return relayed.get(method).getCount();
    }

    void slotLagBytes(long bytes) {
        slotLagBytes.set(bytes);
    }

    void leader(boolean isLeader) {
        leader.set(isLeader ? 1 : 0);
    }
}
