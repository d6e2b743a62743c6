package dev.herald.scheduler;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.time.Duration;

/** The retry scheduler's numbers: timers fired, how late, and records it could not read. */
final class SchedulerMetrics {

    private static final String PREFIX = "herald_retry_scheduler_";

    private final Counter fired;
    private final Counter malformed;
    private final Timer lateness;

    SchedulerMetrics(MetricRegistry registry) {
        this.fired = registry.counter(PREFIX + "timers_fired_total");
        this.malformed = registry.counter(PREFIX + "malformed_tokens_total");
        this.lateness = registry.timer(PREFIX + "timer_lateness_seconds");
    }

    void fired(Duration late) {
        fired.inc();
        lateness.update(late.isNegative() ? Duration.ZERO : late);
    }

    void malformed() {
        malformed.inc();
    }
}
