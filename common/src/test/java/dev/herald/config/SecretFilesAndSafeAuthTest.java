package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.cli.CommandLineSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets read from files (kept out of ps and the environment), and SMTP passwords never sent in the clear. */
class SecretFilesAndSafeAuthTest {

    private static final String URL = "postgres://herald:pgsecret@db:5432/herald";

    @TempDir
    Path directory;

    private static HeraldConfig load(Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("--notifications-email-from=h@example.com"));
        all.addAll(List.of(args));
        return HeraldConfig.load(CommandLineSettings.parse(all, env));
    }

    @Test
    void theDatabaseUrlIsReadFromTheFileAFlagOrVariableNames() throws Exception {
        Path file = Files.writeString(directory.resolve("pg-url"), URL + "\n");

        assertThat(load(Map.of(), "--postgres-url-file=" + file).server().postgresUrl())
                .hasValueSatisfying(url -> assertThat(url.reveal()).isEqualTo(URL));
        assertThat(load(Map.of("CODER_PG_CONNECTION_URL_FILE", file.toString()))
                        .server()
                        .postgresUrl())
                .hasValueSatisfying(url -> assertThat(url.reveal()).isEqualTo(URL));
    }

    @Test
    void kafkaPropertiesAreReadOnePerLine() throws Exception {
        Path file = Files.writeString(
                directory.resolve("kafka"), "security.protocol=SASL_SSL\nsasl.jaas.config=secret-jaas\n\n");

        HeraldConfig config = load(Map.of("HERALD_KAFKA_PROPERTIES_FILE", file.toString()));

        assertThat(config.kafka().clientProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.jaas.config", "secret-jaas");
    }

    @Test
    void aValueAndItsFileExcludeEachOtherAndAnUnreadableFileIsNamedNotShown() throws Exception {
        Path file = Files.writeString(directory.resolve("pg-url"), URL);

        assertThatThrownBy(() -> load(Map.of(), "--postgres-url=" + URL, "--postgres-url-file=" + file))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("both --postgres-url and --postgres-url-file")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pgsecret"));
        assertThatThrownBy(() -> load(Map.of(), "--postgres-url-file=" + directory.resolve("missing")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--postgres-url (CODER_PG_CONNECTION_URL): the file")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void smtpAuthenticationInTheClearToAnotherHostIsRefusedWithTheFix() {
        assertThatThrownBy(() -> load(
                        Map.of(),
                        "--notifications-email-smarthost=smtp.example.com:587",
                        "--notifications-email-auth-username=herald",
                        "--notifications-email-auth-password=hunter2"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the password would cross the network in the clear")
                .hasMessageContaining("--notifications-email-tls-starttls")
                .hasMessageContaining("--notifications-email-auth-allow-insecure")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void smtpAuthenticationIsAllowedOverTlsToLocalhostOrWhenInsecureIsChosen() {
        String[] auth = {"--notifications-email-auth-username=herald", "--notifications-email-auth-password=hunter2"};
        List<List<String>> allowed = List.of(
                List.of("--notifications-email-smarthost=smtp.example.com:587", "--notifications-email-tls-starttls"),
                List.of("--notifications-email-smarthost=smtp.example.com:2525", "--notifications-email-force-tls"),
                List.of("--notifications-email-smarthost=smtp.example.com:465"),
                List.of("--notifications-email-smarthost=localhost:25"),
                List.of("--notifications-email-smarthost=127.0.0.1:25"),
                List.of(
                        "--notifications-email-smarthost=smtp.example.com:25",
                        "--notifications-email-auth-allow-insecure"));
        for (List<String> flags : allowed) {
            List<String> args = new ArrayList<>(flags);
            args.addAll(List.of(auth));
            assertThat(load(Map.of(), args.toArray(String[]::new)).email().authConfigured())
                    .as(String.join(" ", flags))
                    .isTrue();
        }
    }

    @Test
    void proxyHeadersAreBelievedOnlyFromNamedProxies() {
        assertThatThrownBy(() -> load(Map.of("CODER_PROXY_TRUSTED_HEADERS", "X-Forwarded-For")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--proxy-trusted-origins");
        assertThatThrownBy(() -> load(Map.of(), "--proxy-trusted-origins=proxy.example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not an IP address block");
        ApiConfig api = load(
                        Map.of(),
                        "--proxy-trusted-headers=X-Forwarded-For",
                        "--proxy-trusted-origins=10.0.0.0/8",
                        "--proxy-trusted-origins=fd00::/8")
                .api();
        assertThat(api.proxyTrustedHeaders()).containsExactly("X-Forwarded-For");
        assertThat(api.proxyTrustedOrigins()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8"));
    }

    @Test
    void apiKeysLiveAWeekByDefaultAsCodersDo() {
        assertThat(load(Map.of()).api().defaultTokenLifetime()).isEqualTo(Duration.ofHours(168));
        assertThat(load(Map.of("CODER_DEFAULT_TOKEN_LIFETIME", "720h")).api().defaultTokenLifetime())
                .isEqualTo(Duration.ofHours(720));
        assertThat(load(Map.of()).api().customNotificationsPerMinute()).isEqualTo(10);
    }
}
