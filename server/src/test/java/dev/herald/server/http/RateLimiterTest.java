package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-11-30T12:00:00Z"));

    @Test
    void aKeyGetsItsBurstThenOneActionPerRefill() {
        RateLimiter limiter = new RateLimiter(3, Duration.ofSeconds(6), 100, clock);

        assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1")).contains(Duration.ofSeconds(6));
        assertThat(limiter.acquire("10.0.0.2"))
                .as("another key has its own bucket")
                .isEmpty();

        clock.advance(Duration.ofSeconds(4));
        assertThat(limiter.acquire("10.0.0.1")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.acquire("10.0.0.1")).isEmpty();
        assertThat(limiter.acquire("10.0.0.1")).isPresent();
    }

    @Test
    void checkingDoesNotSpendAndRetryAfterRoundsUpToWholeSeconds() {
        RateLimiter limiter = new RateLimiter(1, Duration.ofMillis(1500), 100, clock);

        assertThat(limiter.check("alice")).isEmpty();
        assertThat(limiter.check("alice")).isEmpty();
        assertThat(limiter.acquire("alice")).isEmpty();
        assertThat(limiter.check("alice")).contains(Duration.ofMillis(1500));
        assertThat(RateLimiter.retryAfterSeconds(Duration.ofMillis(1500))).isEqualTo(2);
        assertThat(RateLimiter.retryAfterSeconds(Duration.ofMillis(1))).isEqualTo(1);
    }

    @Test
    void inventedKeysCannotGrowMemoryPastTheBound() {
        RateLimiter limiter = new RateLimiter(2, Duration.ofSeconds(10), 1_000, clock);

        for (int i = 0; i < 50_000; i++) {
            limiter.acquire("user-" + i);
            limiter.acquire("user-" + i);
            clock.advance(Duration.ofMillis(1));
        }

        assertThat(limiter.size()).isLessThanOrEqualTo(1_000);
        limiter.acquire("victim");
        limiter.acquire("victim");
        assertThat(limiter.acquire("victim")).as("a busy key is still limited").isPresent();
    }
}
