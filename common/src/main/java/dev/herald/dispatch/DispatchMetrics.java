package dev.herald.dispatch;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import dev.herald.model.NotificationMethod;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;

/**
 * What one dispatch loop records: Coder's notification metrics (through {@link CoderMetrics}, under Coder's names),
 * and Herald's own, in Dropwizard with labels as dot-separated name segments that the Prometheus endpoint maps back:
 * each partition's consumer lag, and the queued and send times as quantiles (Coder's buckets start at one second, too
 * coarse to tell 40 ms from 400 ms).
 */
public final class DispatchMetrics implements AutoCloseable {

    /** The result label of dispatch_attempts_total. */
    public enum Result {
        SUCCESS("success"),
        TEMP_FAIL("temp_fail"),
        PERM_FAIL("perm_fail");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private static final String PREFIX = "herald_notifications_";

    private final MetricRegistry registry;
    private final String method;
    private final CoderMetrics.Method coder;
    private final LongSupplier pendingUpdates;
    private final Timer queued;
    private final Timer send;
    private final Map<TopicPartition, AtomicLong> lag = new ConcurrentHashMap<>();
    private final AtomicInteger assigned = new AtomicInteger();

    public DispatchMetrics(
            MetricRegistry registry,
            CoderMetrics coderMetrics,
            NotificationMethod method,
            LongSupplier pendingUpdates) {
        this.registry = registry;
        this.method = method.sqlName();
        this.coder = coderMetrics.method(this.method);
        this.pendingUpdates = pendingUpdates;
        this.queued = registry.timer(PREFIX + "queued_seconds." + this.method);
        this.send = registry.timer(PREFIX + "dispatcher_send_seconds." + this.method);
        registry.gauge(PREFIX + "assigned_partitions." + this.method, () -> assigned::get);
        coder.pendingUpdates(pendingUpdates);
    }

    /** A send starts: Coder observes the queued time, counts a retry when the message was attempted before. */
    void started(UUID templateId, int previousAttempts, double queuedSeconds) {
        CoderMetrics.Template template = coder.template(templateId);
        if (previousAttempts > 0) {
            template.retried();
        }
        template.started();
        coder.queued(queuedSeconds);
        queued.update((long) (queuedSeconds * 1_000_000_000L), TimeUnit.NANOSECONDS);
    }

    /** A send ended, whatever its result. */
    void finished(UUID templateId, Duration took) {
        coder.template(templateId).finished();
        coder.sent(took.toNanos() / 1e9);
        send.update(took);
    }

    void attempt(UUID templateId, Result result) {
        coder.template(templateId).attempt(result);
    }

    void synced(int count) {
        coder.synced(count);
    }

    void lag(TopicPartition partition, long records) {
        lag.computeIfAbsent(partition, p -> {
                    AtomicLong value = new AtomicLong();
                    registry.gauge(lagName(p), () -> value::get);
                    return value;
                })
                .set(records);
    }

    /**
     * The partitions this loop holds now. A partition that moved to another replica stops being reported here, so
     * that a sum over the fleet counts each partition's lag once and an alert never sees a stale value.
     */
    void assignment(Set<TopicPartition> partitions) {
        assigned.set(partitions.size());
        lag.keySet().removeIf(partition -> {
            if (partitions.contains(partition)) {
                return false;
            }
            registry.remove(lagName(partition));
            return true;
        });
    }

    /** The loop stopped: its unwritten outcomes no longer count into pending_updates, and it holds no partition. */
    @Override
    public void close() {
        coder.forget(pendingUpdates);
        assignment(Set.of());
    }

    private String lagName(TopicPartition partition) {
        return PREFIX + "consumer_lag." + method + "." + partition.partition();
    }
}
