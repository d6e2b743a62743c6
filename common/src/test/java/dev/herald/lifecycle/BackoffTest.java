package dev.herald.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

    @Test
    void doublesFromTheFirstDelayUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(1));

        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.failed(T0)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void startsOverOnlyAfterAHealthyPeriodSinceTheLastFailure() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(1));
        backoff.failed(T0);
        backoff.failed(T0);

        backoff.healthy(T0.plusSeconds(59));
        assertThat(backoff.peek())
                .as("a component that fails a second after each restart")
                .isEqualTo(Duration.ofSeconds(4));

        backoff.healthy(T0.plusSeconds(60));
        assertThat(backoff.peek()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refusesADelayThatCouldSpin() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
