package dev.herald.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * How long a failing loop waits before its next try: {@code initial}, doubling after each failure up to {@code max},
 * and back to {@code initial} only once the loop has been healthy for {@code resetAfter}. Resetting on the first
 * good turn would let a component that fails a second after each restart restart every few seconds forever.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final Duration resetAfter;
    private Duration next;
    private Instant lastFailure;

    public Backoff(Duration initial, Duration max, Duration resetAfter) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.resetAfter = resetAfter;
        this.next = initial;
    }

    /** A failure at {@code now}: returns how long to wait before trying again. */
    public Duration failed(Instant now) {
        Duration delay = next;
        next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
        lastFailure = now;
        return delay;
    }

    /** A good turn at {@code now}; the delay starts over once the last failure is {@code resetAfter} behind. */
    public void healthy(Instant now) {
        if (lastFailure != null && !now.isBefore(lastFailure.plus(resetAfter))) {
            next = initial;
            lastFailure = null;
        }
    }

    /** The delay the next failure would get. */
    public Duration peek() {
        return next;
    }
}
