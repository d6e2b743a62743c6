package dev.herald.dispatch;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Coder's notification metrics, under Coder's names, types, labels and buckets, so that dashboards and alerts written
 * for Coder work on Herald unchanged. One instance a process: every dispatch loop records into it with its own method.
 */
public final class CoderMetrics {

    /** Coder's buckets for the time from enqueue (or retry due) to lease, in seconds. */
    static final double[] QUEUED_BUCKETS = {1, 2.5, 5, 7.5, 10, 15, 20, 30, 60, 120, 300, 600, 3600};

    /** Coder's buckets for the time one send takes, in seconds. */
    static final double[] SEND_BUCKETS = {0.001, 0.05, 0.1, 0.5, 1, 2, 5, 10, 15, 30, 60, 120};

    static final String METHOD = "method";
    static final String TEMPLATE = "notification_template_id";

    private final Counter attempts;
    private final RetryCount retries = new RetryCount();
    private final Histogram queued;
    private final Histogram send;
    private final Gauge inflight;
    private final Counter synced;
    private final Set<LongSupplier> pendingUpdates = ConcurrentHashMap.newKeySet();

    public CoderMetrics(PrometheusRegistry registry) {
        attempts = Counter.builder()
                .name("coderd_notifications_dispatch_attempts_total")
                .help("The number of dispatch attempts, aggregated by the result type (success, temp_fail, perm_fail)")
                .labelNames(METHOD, TEMPLATE, "result")
                .register(registry);
        registry.register(retries);
        queued = Histogram.builder()
                .name("coderd_notifications_queued_seconds")
                .help("The time elapsed between a notification being enqueued in the store and retrieved for"
                        + " dispatching (measures the latency of the notifications system).")
                .labelNames(METHOD)
                .classicOnly()
                .classicUpperBounds(QUEUED_BUCKETS)
                .register(registry);
        send = Histogram.builder()
                .name("coderd_notifications_dispatcher_send_seconds")
                .help("The time taken to dispatch notifications.")
                .labelNames(METHOD)
                .classicOnly()
                .classicUpperBounds(SEND_BUCKETS)
                .register(registry);
        inflight = Gauge.builder()
                .name("coderd_notifications_inflight_dispatches")
                .help("The number of dispatch attempts which are currently in progress.")
                .labelNames(METHOD, TEMPLATE)
                .register(registry);
        GaugeWithCallback.builder()
                .name("coderd_notifications_pending_updates")
                .help("The number of dispatch attempt results waiting to be flushed to the store.")
                .callback(callback -> callback.call(pendingUpdates.stream()
                        .mapToLong(LongSupplier::getAsLong)
                        .sum()))
                .register(registry);
        synced = Counter.builder()
                .name("coderd_notifications_synced_updates_total")
                .help("The number of dispatch attempt results flushed to the store.")
                .register(registry);
    }

    /** The series of one method: what a dispatch loop records into, its data points found once per template. */
    public Method method(String method) {
        return new Method(method);
    }

    /** One method's series. */
    public final class Method {

        private final String name;
        private final DistributionDataPoint queuedPoint;
        private final DistributionDataPoint sendPoint;
        private final Map<UUID, Template> templates = new ConcurrentHashMap<>();

        private Method(String name) {
            this.name = name;
            this.queuedPoint = queued.labelValues(name);
            this.sendPoint = send.labelValues(name);
        }

        /** The series of one template under this method. */
        Template template(UUID templateId) {
            return templates.computeIfAbsent(templateId, id -> new Template(name, id.toString()));
        }

        void queued(double seconds) {
            queuedPoint.observe(seconds);
        }

        void sent(double seconds) {
            sendPoint.observe(seconds);
        }

        void synced(int count) {
            synced.inc(count);
        }

        /** Counts {@code pending} into pending_updates until {@link #forget} is called with it. */
        void pendingUpdates(LongSupplier pending) {
            pendingUpdates.add(pending);
        }

        void forget(LongSupplier pending) {
            pendingUpdates.remove(pending);
        }
    }

    /** The counters and gauge of one template under one method. */
    final class Template {

        private final CounterDataPoint[] attemptsByResult;
        private final LongAdder retryCount;
        private final GaugeDataPoint inflightPoint;

        private Template(String method, String templateId) {
            DispatchMetrics.Result[] results = DispatchMetrics.Result.values();
            attemptsByResult = new CounterDataPoint[results.length];
            for (DispatchMetrics.Result result : results) {
                attemptsByResult[result.ordinal()] = attempts.labelValues(method, templateId, result.label());
            }
            retryCount = retries.series(method, templateId);
            inflightPoint = inflight.labelValues(method, templateId);
        }

        void attempt(DispatchMetrics.Result result) {
            attemptsByResult[result.ordinal()].inc();
        }

        /** A send of a message that was attempted before: Coder counts retries as they are dispatched. */
        void retried() {
            retryCount.increment();
        }

        void started() {
            inflightPoint.inc();
        }

        void finished() {
            inflightPoint.dec();
        }
    }

    /**
     * coderd_notifications_retry_count, under exactly that name. Prometheus' Java client writes every counter with a
     * {@code _total} suffix, which Coder's name lacks; this family is therefore exposed untyped, which every query
     * ({@code rate}, {@code increase}) treats as Coder's counter.
     */
    private static final class RetryCount implements Collector {

        private static final String NAME = "coderd_notifications_retry_count";

        private final Map<List<String>, LongAdder> series = new ConcurrentHashMap<>();

        LongAdder series(String method, String templateId) {
            return series.computeIfAbsent(List.of(method, templateId), labels -> new LongAdder());
        }

        @Override
        public MetricSnapshot collect() {
            List<UnknownSnapshot.UnknownDataPointSnapshot> points = new ArrayList<>();
            series.forEach((labels, count) -> points.add(new UnknownSnapshot.UnknownDataPointSnapshot(
                    count.sum(), Labels.of(METHOD, labels.get(0), TEMPLATE, labels.get(1)), null)));
            return new UnknownSnapshot(
                    new MetricMetadata(NAME, "The count of notification dispatch retry attempts."), points);
        }

        @Override
        public String getPrometheusName() {
            return NAME;
        }
    }
}
