package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.cli.CommandLineSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every flag and variable of Coder's notification documentation (and Herald's own) exists with the documented default,
 * and a bad value is rejected with a message that names the flag, the variable and the fix.
 */
class DocumentedSettingsTest {

    /** flag, environment variable, documented default ("" where the documentation has none). */
    static Stream<Arguments> documented() {
        return Stream.of(
                Arguments.of("--notifications-dispatch-timeout", "CODER_NOTIFICATIONS_DISPATCH_TIMEOUT", "1m"),
                Arguments.of("--notifications-method", "CODER_NOTIFICATIONS_METHOD", "smtp"),
                Arguments.of("--notifications-max-send-attempts", "CODER_NOTIFICATIONS_MAX_SEND_ATTEMPTS", "5"),
                Arguments.of("--notifications-webhook-endpoint", "CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT", ""),
                Arguments.of("--notifications-email-from", "CODER_NOTIFICATIONS_EMAIL_FROM", ""),
                Arguments.of("--notifications-email-smarthost", "CODER_NOTIFICATIONS_EMAIL_SMARTHOST", "localhost:587"),
                Arguments.of("--notifications-email-hello", "CODER_NOTIFICATIONS_EMAIL_HELLO", "localhost"),
                Arguments.of("--notifications-email-auth-username", "CODER_NOTIFICATIONS_EMAIL_AUTH_USERNAME", ""),
                Arguments.of("--notifications-email-auth-password", "CODER_NOTIFICATIONS_EMAIL_AUTH_PASSWORD", ""),
                Arguments.of(
                        "--notifications-email-auth-password-file", "CODER_NOTIFICATIONS_EMAIL_AUTH_PASSWORD_FILE", ""),
                Arguments.of("--notifications-email-auth-identity", "CODER_NOTIFICATIONS_EMAIL_AUTH_IDENTITY", ""),
                Arguments.of("--notifications-email-force-tls", "CODER_NOTIFICATIONS_EMAIL_FORCE_TLS", "false"),
                Arguments.of("--notifications-email-tls-starttls", "CODER_NOTIFICATIONS_EMAIL_TLS_STARTTLS", "false"),
                Arguments.of(
                        "--notifications-email-tls-skip-verify", "CODER_NOTIFICATIONS_EMAIL_TLS_SKIPVERIFY", "false"),
                Arguments.of("--notifications-email-tls-server-name", "CODER_NOTIFICATIONS_EMAIL_TLS_SERVERNAME", ""),
                Arguments.of("--notifications-email-tls-cert-file", "CODER_NOTIFICATIONS_EMAIL_TLS_CERTFILE", ""),
                Arguments.of(
                        "--notifications-email-tls-cert-key-file", "CODER_NOTIFICATIONS_EMAIL_TLS_CERTKEYFILE", ""),
                Arguments.of("--notifications-email-tls-ca-cert-file", "CODER_NOTIFICATIONS_EMAIL_TLS_CACERTFILE", ""),
                Arguments.of("--email-from", "CODER_EMAIL_FROM", ""),
                Arguments.of("--email-smarthost", "CODER_EMAIL_SMARTHOST", "localhost:587"),
                Arguments.of("--email-hello", "CODER_EMAIL_HELLO", "localhost"),
                Arguments.of("--email-auth-username", "CODER_EMAIL_AUTH_USERNAME", ""),
                Arguments.of("--email-auth-password", "CODER_EMAIL_AUTH_PASSWORD", ""),
                Arguments.of("--email-auth-password-file", "CODER_EMAIL_AUTH_PASSWORD_FILE", ""),
                Arguments.of("--email-auth-identity", "CODER_EMAIL_AUTH_IDENTITY", ""),
                Arguments.of("--email-force-tls", "CODER_EMAIL_FORCE_TLS", "false"),
                Arguments.of("--email-tls-starttls", "CODER_EMAIL_TLS_STARTTLS", "false"),
                Arguments.of("--email-tls-skip-verify", "CODER_EMAIL_TLS_SKIPVERIFY", "false"),
                Arguments.of("--email-tls-server-name", "CODER_EMAIL_TLS_SERVERNAME", ""),
                Arguments.of("--email-tls-cert-file", "CODER_EMAIL_TLS_CERTFILE", ""),
                Arguments.of("--email-tls-cert-key-file", "CODER_EMAIL_TLS_CERTKEYFILE", ""),
                Arguments.of("--email-tls-ca-cert-file", "CODER_EMAIL_TLS_CACERTFILE", ""),
                Arguments.of("--notifications-fetch-interval", "CODER_NOTIFICATIONS_FETCH_INTERVAL", "15s"),
                Arguments.of("--notifications-retry-interval", "CODER_NOTIFICATIONS_RETRY_INTERVAL", "5m"),
                Arguments.of("--notifications-lease-period", "CODER_NOTIFICATIONS_LEASE_PERIOD", "2m"),
                Arguments.of("--notifications-lease-count", "CODER_NOTIFICATIONS_LEASE_COUNT", "20"),
                Arguments.of("--notifications-store-sync-interval", "CODER_NOTIFICATIONS_STORE_SYNC_INTERVAL", "2s"),
                Arguments.of(
                        "--notifications-store-sync-buffer-size", "CODER_NOTIFICATIONS_STORE_SYNC_BUFFER_SIZE", "50"),
                Arguments.of("--verbose", "CODER_VERBOSE", "false"),
                Arguments.of("--access-url", "CODER_ACCESS_URL", ""),
                Arguments.of("--postgres-url", "CODER_PG_CONNECTION_URL", ""),
                Arguments.of("--http-address", "CODER_HTTP_ADDRESS", "127.0.0.1:3000"),
                Arguments.of("--prometheus-address", "CODER_PROMETHEUS_ADDRESS", "127.0.0.1:2112"),
                Arguments.of("--kafka-bootstrap-servers", "HERALD_KAFKA_BOOTSTRAP_SERVERS", ""),
                Arguments.of("--kafka-topic-prefix", "HERALD_KAFKA_TOPIC_PREFIX", "notifications"),
                Arguments.of("--kafka-topic-partitions", "HERALD_KAFKA_TOPIC_PARTITIONS", "6"),
                Arguments.of("--kafka-topic-replication-factor", "HERALD_KAFKA_TOPIC_REPLICATION_FACTOR", "1"),
                Arguments.of("--kafka-max-poll-interval", "HERALD_KAFKA_MAX_POLL_INTERVAL", "5m"),
                Arguments.of("--kafka-session-timeout", "HERALD_KAFKA_SESSION_TIMEOUT", "10s"),
                Arguments.of("--relay-slot-lag-warning", "HERALD_RELAY_SLOT_LAG_WARNING", "1GiB"),
                Arguments.of("--retry-scheduler-standby-replicas", "HERALD_RETRY_SCHEDULER_STANDBY_REPLICAS", "0"),
                Arguments.of("--kafka-property", "HERALD_KAFKA_PROPERTIES", ""),
                Arguments.of("--notifications-max-inflight-sends", "HERALD_NOTIFICATIONS_MAX_INFLIGHT_SENDS", "32"),
                Arguments.of("--notifications-retention", "HERALD_NOTIFICATIONS_RETENTION", "7d"),
                Arguments.of("--data-dir", "HERALD_DATA_DIR", "~/.herald"));
    }

    @ParameterizedTest(name = "{0} / {1} defaults to \"{2}\"")
    @MethodSource("documented")
    void flagAndVariableExistWithTheDocumentedDefault(String flag, String env, String documentedDefault) {
        Setting<?> setting = HeraldSettings.ALL.stream()
                .filter(candidate -> candidate.flags().contains(flag))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no setting declares " + flag));
        assertThat(setting.environment()).contains(env);
        assertThat(setting.environment().indexOf(env))
                .as("flag and variable are the same spelling generation")
                .isEqualTo(setting.flags().indexOf(flag));
        assertThat(setting.defaultValue()).isEqualTo(documentedDefault);
        if (setting.hasDefault()) {
            SettingValues values = new SettingValues(ConfigInput.environmentOnly(Map.of()));
            assertThat(values.get(setting)).isEqualTo(setting.type().parse(documentedDefault));
            assertThat(values.origin(setting)).isEqualTo(SettingValues.Origin.DEFAULT);
        }
    }

    @ParameterizedTest(name = "the flag {0} sets {1}")
    @MethodSource("documented")
    void theFlagIsAcceptedOnTheCommandLine(String flag, String env, String ignored) {
        Setting<?> setting = settingFor(flag);
        String value = validExample(setting);
        ConfigInput input = CommandLineSettings.parse(List.of(flag + "=" + value), Map.of());
        assertThat(input.flags()).containsKey(setting.key());
        assertThat(new SettingValues(input).get(setting))
                .isEqualTo(setting.type().parse(value));
    }

    @ParameterizedTest(name = "the variable {1} sets {0}")
    @MethodSource("documented")
    void theVariableIsRead(String flag, String env, String ignored) {
        Setting<?> setting = settingFor(flag);
        String value = validExample(setting);
        SettingValues values = new SettingValues(ConfigInput.environmentOnly(Map.of(env, value)));
        assertThat(values.get(setting)).isEqualTo(setting.type().parse(value));
        assertThat(values.origin(setting)).isEqualTo(SettingValues.Origin.ENVIRONMENT);
    }

    /** flag, a value it must refuse. */
    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("--notifications-dispatch-timeout", "soon"),
                Arguments.of("--notifications-dispatch-timeout", "0s"),
                Arguments.of("--notifications-method", "carrier-pigeon"),
                Arguments.of("--notifications-max-send-attempts", "0"),
                Arguments.of("--notifications-max-send-attempts", "five"),
                Arguments.of("--notifications-webhook-endpoint", "not a url"),
                Arguments.of("--notifications-webhook-endpoint", "ftp://example.com/hook"),
                Arguments.of("--notifications-email-smarthost", "localhost"),
                Arguments.of("--notifications-email-smarthost", "localhost:99999"),
                Arguments.of("--notifications-email-force-tls", "maybe"),
                Arguments.of("--notifications-fetch-interval", "-5s"),
                Arguments.of("--relay-slot-lag-warning", "a lot"),
                Arguments.of("--relay-slot-lag-warning", "0"),
                Arguments.of("--retry-scheduler-standby-replicas", "-1"),
                Arguments.of("--notifications-lease-count", "0"),
                Arguments.of("--notifications-store-sync-buffer-size", "many"),
                Arguments.of("--notifications-retention", "forever"),
                Arguments.of("--kafka-topic-partitions", "0"),
                Arguments.of("--kafka-property", "no-equals-sign"),
                Arguments.of("--http-address", "3000"),
                Arguments.of("--access-url", "example.com"));
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @MethodSource("badValues")
    void badValuesAreRejectedNamingTheFlagAndTheFix(String flag, String value) {
        Setting<?> setting = settingFor(flag);
        List<String> args = new ArrayList<>(validBaseline());
        args.add(flag + "=" + value);
        assertThatThrownBy(() -> HeraldConfig.load(CommandLineSettings.parse(args, Map.of())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(flag)
                .hasMessageContaining(setting.env())
                .hasMessageContaining("Fix:");
    }

    @ParameterizedTest(name = "{0}={1} is refused from the environment too")
    @MethodSource("badValues")
    void badEnvironmentValuesNameTheVariable(String flag, String value) {
        Setting<?> setting = settingFor(flag);
        assertThatThrownBy(() ->
                        HeraldConfig.load(CommandLineSettings.parse(validBaseline(), Map.of(setting.env(), value))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the variable " + setting.env())
                .hasMessageContaining("Fix:");
    }

    private static List<String> validBaseline() {
        return List.of("--notifications-email-from=herald@example.com");
    }

    private static Setting<?> settingFor(String flag) {
        return HeraldSettings.ALL.stream()
                .filter(candidate -> candidate.flags().contains(flag))
                .findFirst()
                .orElseThrow();
    }

    private static String validExample(Setting<?> setting) {
        if (setting.type() == SettingType.BOOL) {
            return "true";
        }
        if (setting.type() == SettingType.HOST_PORT) {
            return "mail.example.com:2525";
        }
        if (setting.type() == SettingType.URL) {
            return "https://example.com/hook";
        }
        if (setting.type() == SettingType.PATH) {
            return "/etc/herald/file";
        }
        if (setting.type() == SettingType.KEY_VALUES) {
            return "security.protocol=SSL";
        }
        return switch (setting.type().name()) {
            case "duration" -> "45s";
            case "size" -> "512MiB";
            case "int" -> "3";
            default -> setting.key().equals("notifications.method") ? "webhook" : "value-" + setting.key();
        };
    }
}
