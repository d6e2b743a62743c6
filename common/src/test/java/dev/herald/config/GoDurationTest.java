package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "0, PT0S",
        "500ms, PT0.5S",
        "15s, PT15S",
        "1m, PT1M",
        "1m0s, PT1M",
        "2h30m, PT2H30M",
        "1.5h, PT1H30M",
        "7d, PT168H",
        "100us, PT0.0001S",
        "3ns, PT0.000000003S"
    })
    void parsesGoDurations(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "abc", "5 m", "-1s", "1y", "m5", "1m 2s"})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({"PT0S, 0s", "PT0.5S, 500ms", "PT15S, 15s", "PT1M, 1m0s", "PT2H30M, 2h30m0s", "PT1M1.5S, 1m1.5s"})
    void formatsLikeGo(Duration duration, String expected) {
        assertThat(GoDuration.format(duration)).isEqualTo(expected);
    }
}
