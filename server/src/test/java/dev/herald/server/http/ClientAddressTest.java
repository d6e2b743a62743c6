package dev.herald.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.Cidr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress behindProxy =
            new ClientAddress(List.of("X-Forwarded-For"), List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")));

    @Test
    void withoutTrustedProxiesTheConnectionsAddressIsTheClient() {
        ClientAddress direct = new ClientAddress(List.of(), List.of());

        assertThat(direct.of("203.0.113.9", Map.of("X-Forwarded-For", "198.51.100.1")::get))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedProxyNamesTheClientAsTheLastAddressNoProxyOwns() {
        assertThat(behindProxy.of("10.1.2.3", Map.of("X-Forwarded-For", "198.51.100.1, 10.9.9.9")::get))
                .isEqualTo("198.51.100.1");
        assertThat(behindProxy.of("10.1.2.3", Map.of("X-Forwarded-For", "6.6.6.6, 198.51.100.1")::get))
                .as("what the client wrote itself, left of the proxy's entry, proves nothing")
                .isEqualTo("198.51.100.1");
        assertThat(behindProxy.of("fd00::1", Map.of("X-Forwarded-For", "2001:db8::7")::get))
                .isEqualTo("2001:db8::7");
    }

    @Test
    void anUntrustedPeerCannotNameAnotherClient() {
        assertThat(behindProxy.of("203.0.113.9", Map.of("X-Forwarded-For", "198.51.100.1")::get))
                .isEqualTo("203.0.113.9");
        assertThat(behindProxy.of("10.1.2.3", Map.<String, String>of()::get)).isEqualTo("10.1.2.3");
    }

    @Test
    void blocksAreParsedStrictly() {
        assertThat(Cidr.parse("10.0.0.0/8").contains("10.255.0.1")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
        assertThat(Cidr.parse("192.168.1.7").contains("192.168.1.7")).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("::ffff:10.0.0.1")).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains("proxy.example.com")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("proxy.example.com"))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
