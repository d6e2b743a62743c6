package dev.herald.dispatch;

import dev.herald.config.NotificationsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a message that failed temporarily may be tried again, computed from the failure time recorded for it, never
 * from whatever "now" is when somebody asks later.
 */
public interface RetryPolicy {

    /**
     * @param failedAt when the attempt failed (the time written to the row)
     * @param attempts attempts made so far, including the one that just failed
     * @param retryAfter the receiver's own hint, if any
     */
    Instant nextAttempt(Instant failedAt, int attempts, Optional<Duration> retryAfter);

    /** The policy the configuration chooses; {@code random} gives numbers in [0, 1) for jitter. */
    static RetryPolicy from(NotificationsConfig config, DoubleSupplier random) {
        return switch (config.retryPolicy()) {
            case FIXED -> fixed(config.retryInterval(), config.retryMaxInterval());
            case EXPONENTIAL -> exponential(config.retryInterval(), config.retryMaxInterval(), random);
        };
    }

    /** Coder's policy: the same interval after every failure. */
    static RetryPolicy fixed(Duration interval, Duration max) {
        return (failedAt, attempts, retryAfter) -> failedAt.plus(honourHint(interval, retryAfter, max));
    }

    /**
     * Doubling waits, {@code interval × 2^(attempts-1)} capped at {@code max}, each drawn at random from its upper
     * half ("equal jitter"): never sooner than half the nominal wait, and messages that failed together do not all
     * return together.
     */
    static RetryPolicy exponential(Duration interval, Duration max, DoubleSupplier random) {
        return (failedAt, attempts, retryAfter) -> {
            int doublings = Math.min(Math.max(attempts - 1, 0), 40);
            long nominal = Math.min(saturatedShift(interval.toMillis(), doublings), max.toMillis());
            long half = nominal / 2;
            long jittered = half + (long) (random.getAsDouble() * (nominal - half));
            return failedAt.plus(honourHint(Duration.ofMillis(jittered), retryAfter, max));
        };
    }

    /**
     * A receiver's Retry-After counts when it asks for longer than the policy would wait, up to {@code max}, so that a
     * hostile or broken header cannot park a message for ever; a shorter hint is ignored, so it cannot speed retries
     * past the operator's interval either.
     */
    private static Duration honourHint(Duration wait, Optional<Duration> retryAfter, Duration max) {
        return retryAfter
                .map(hint -> hint.compareTo(max) > 0 ? max : hint)
                .filter(hint -> hint.compareTo(wait) > 0)
                .orElse(wait);
    }

    private static long saturatedShift(long millis, int doublings) {
        return millis > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : millis << doublings;
    }
}
