package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

    private static final Instant FAILED_AT = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    private static final Duration ONE_HOUR = Duration.ofHours(1);

    @ParameterizedTest(name = "fixed: attempt {0}, Retry-After {1}s -> {2}s")
    @CsvSource({
        // attempts, hint (seconds, -1 = none), expected wait (seconds)
        "1, -1, 300",
        "4, -1, 300",
        "1, 60, 300", // a shorter hint does not speed the retry up
        "1, 900, 900", // a longer hint is honoured
        "2, 86400, 3600", // but only up to the maximum retry interval
    })
    void fixed(int attempts, long hintSeconds, long expectedSeconds) {
        RetryPolicy policy = RetryPolicy.fixed(FIVE_MINUTES, ONE_HOUR);

        assertThat(policy.nextAttempt(FAILED_AT, attempts, hint(hintSeconds)))
                .isEqualTo(FAILED_AT.plusSeconds(expectedSeconds));
    }

    @ParameterizedTest(name = "exponential: attempt {0}, random {1}, Retry-After {2}s -> {3}s")
    @CsvSource({
        // attempts, random draw, hint (seconds, -1 = none), expected wait (seconds)
        "1, 0.5, -1, 225", // nominal 5m: 2m30s + half of 2m30s
        "1, 0.0, -1, 150", // nominal 5m, bottom: half of it
        "2, 0.0, -1, 300", // nominal 10m
        "3, 0.5, -1, 900", // nominal 20m: 10m + half of 10m
        "4, 0.75, -1, 2100", // nominal 40m: 20m + three quarters of 20m
        "5, 0.5, -1, 2700", // nominal 80m, capped at 1h: 30m + 15m
        "5, 0.0, -1, 1800", // capped nominal, bottom: half an hour
        "60, 0.0, -1, 1800", // no overflow however many attempts
        "1, 0.0, 600, 600", // a longer hint wins
        "3, 0.0, 7200, 3600", // a hint is capped too
    })
    void exponential(int attempts, double random, long hintSeconds, long expectedSeconds) {
        RetryPolicy policy = RetryPolicy.exponential(FIVE_MINUTES, ONE_HOUR, () -> random);

        Instant next = policy.nextAttempt(FAILED_AT, attempts, hint(hintSeconds));

        assertThat(Duration.between(FAILED_AT, next).toSeconds()).isEqualTo(expectedSeconds);
    }

    private static Optional<Duration> hint(long seconds) {
        return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    }
}
