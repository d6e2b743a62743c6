package dev.herald.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebFormsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://evil.example/",
                "//evil.example",
                "/\t/evil.example",
                "/\n/evil.example",
                "/\r/evil.example",
                "/ /evil.example",
                "/\\evil.example",
                "\\\\evil.example",
                "///evil.example",
                "/\u0000/evil.example",
                "/\u00a0/evil.example",
                "/\u2028/evil.example",
                "javascript:alert(1)",
                "/x?u=https://evil.example",
                "evil.example",
                ""
            })
    void aRedirectThatCouldLeaveTheSiteGoesHomeInstead(String next) {
        assertThat(WebForms.safeNext(next)).isEqualTo(WebForms.HOME);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/settings/notifications",
                "/deployment/notifications/messages?status=sent&method=webhook",
                "/deployment/notifications?tab=events#t-1"
            })
    void aPathOnThisSiteIsKept(String next) {
        assertThat(WebForms.safeNext(next)).isEqualTo(next);
    }
}
