package dev.herald.dispatch;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.herald.model.NotificationMethod;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * The dispatcher's numbers, with the meaning of Coder's notification metrics. Dropwizard names carry the labels as
 * dot-separated segments ({@code herald_notifications_dispatch_attempts_total.<method>.<template>.<result>}); the
 * Prometheus endpoint maps them to labels.
 */
public final class DispatchMetrics {

    /** The result label of dispatch_attempts_total. */
    public enum Result {
        SUCCESS("success"),
        TEMP_FAIL("temp_fail"),
        PERM_FAIL("perm_fail");

        private final String label;

        Result(String label) {
            this.label = label;
        }
    }

    private static final String PREFIX = "herald_notifications_";

    private final MetricRegistry registry;
    private final String method;
    private final Timer queued;
    private final Timer send;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();

    // Counters are looked up once per template, not built from strings per message: the hot path only increments.
    private final Map<UUID, Counter[]> attempts = new ConcurrentHashMap<>();
    private final Map<UUID, Counter> retries = new ConcurrentHashMap<>();
    private final Counter synced;

    public DispatchMetrics(
            MetricRegistry registry, NotificationMethod method, LongSupplier inflight, LongSupplier pendingUpdates) {
        this.registry = registry;
        this.method = method.sqlName();
        this.queued = registry.timer(PREFIX + "queued_seconds." + this.method);
        this.send = registry.timer(PREFIX + "dispatcher_send_seconds." + this.method);
        registry.gauge(PREFIX + "inflight_dispatches." + this.method, () -> inflight::getAsLong);
        registry.gauge(PREFIX + "pending_updates." + this.method, () -> pendingUpdates::getAsLong);
        this.synced = registry.counter(PREFIX + "synced_updates_total." + this.method);
    }

    void attempt(UUID templateId, Result result) {
        attempts
                .computeIfAbsent(templateId, id -> {
                    Counter[] counters = new Counter[Result.values().length];
                    for (Result each : Result.values()) {
                        counters[each.ordinal()] = registry.counter(
                                PREFIX + "dispatch_attempts_total." + method + "." + id + "." + each.label);
                    }
                    return counters;
                })[result.ordinal()]
                .inc();
    }

    void retry(UUID templateId) {
        retries.computeIfAbsent(templateId, id -> registry.counter(PREFIX + "retry_count." + method + "." + id))
                .inc();
    }

    void queued(double seconds) {
        queued.update((long) (seconds * 1_000_000_000L), TimeUnit.NANOSECONDS);
    }

    void sent(Duration took) {
        send.update(took);
    }

    void synced(int count) {
        synced.inc(count);
    }

    void lag(TopicPartition partition, long records) {
        lag.computeIfAbsent(partition, p -> {
                    AtomicLong value = new AtomicLong();
                    registry.gauge(PREFIX + "consumer_lag." + method + "." + p.partition(), () -> value::get);
                    return value;
                })
                .set(records);
    }
}
