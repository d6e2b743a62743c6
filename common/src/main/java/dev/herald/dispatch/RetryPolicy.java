package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** When a message that failed temporarily may be tried again, computed from the failure time recorded for it. */
public interface RetryPolicy {

    /**
     * @param failedAt when the attempt failed (the time written to the row)
     * @param attempts attempts made so far, including the one that just failed
     * @param retryAfter the receiver's own hint, if any
     */
    Instant nextAttempt(Instant failedAt, int attempts, Optional<Duration> retryAfter);

    /**
     * Coder's policy: a fixed interval. A receiver's Retry-After is honoured when it asks for longer, up to a day, so
     * that a hostile or broken header cannot park a message for ever.
     */
    static RetryPolicy fixed(Duration interval) {
        Duration maxHint = Duration.ofDays(1);
        return (failedAt, attempts, retryAfter) -> {
            Duration wait = retryAfter
                    .map(hint -> hint.compareTo(maxHint) > 0 ? maxHint : hint)
                    .filter(hint -> hint.compareTo(interval) > 0)
                    .orElse(interval);
            return failedAt.plus(wait);
        };
    }
}
