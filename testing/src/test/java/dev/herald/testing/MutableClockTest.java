package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MutableClockTest {

    @Test
    void movesOnlyWhenTold() {
        MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        Clock zoned = clock.withZone(ZoneId.of("Europe/Berlin"));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        clock.advance(Duration.ofMinutes(5));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(zoned.instant()).as("a zoned view shares the time").isEqualTo(clock.instant());
        clock.set(Instant.parse("2026-01-02T00:00:00Z"));
        assertThat(zoned.millis())
                .isEqualTo(Instant.parse("2026-01-02T00:00:00Z").toEpochMilli());
    }
}
