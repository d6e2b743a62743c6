package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
        "1GiB, 1073741824",
        "512MiB, 536870912",
        "64KiB, 65536",
        "1TiB, 1099511627776",
        "4096, 4096",
        "10 B, 10",
        "2 GiB, 2147483648"
    })
    void sizesWithAndWithoutUnits(String raw, long bytes) {
        assertThat(SettingType.BYTE_SIZE.parse(raw)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(strings = {"", "0", "1GB", "1.5GiB", "-1", "lots", "9999999999999TiB"})
    void anythingElseIsRefused(String raw) {
        assertThatThrownBy(() -> SettingType.BYTE_SIZE.parse(raw)).isInstanceOf(IllegalArgumentException.class);
    }
}
