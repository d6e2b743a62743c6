package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.config.cli.CommandLineSettings;
import dev.herald.model.NotificationMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HeraldConfigTest {

    private static HeraldConfig load(List<String> args, Map<String, String> env) {
        return HeraldConfig.load(CommandLineSettings.parse(args, env));
    }

    private static HeraldConfig load(String... args) {
        return load(List.of(args), Map.of());
    }

    @Test
    void defaultsMatchCodersDocumentation() {
        HeraldConfig config = load("--notifications-email-from=herald@example.com");

        assertThat(config.notifications().method()).isEqualTo(NotificationMethod.SMTP);
        assertThat(config.notifications().dispatchTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.notifications().maxSendAttempts()).isEqualTo(5);
        assertThat(config.notifications().fetchInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.notifications().retryInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.notifications().leasePeriod()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.notifications().leaseCount()).isEqualTo(20);
        assertThat(config.notifications().storeSyncInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.notifications().storeSyncBufferSize()).isEqualTo(50);
        assertThat(config.notifications().retention()).isEqualTo(Duration.ofDays(7));
        assertThat(config.email().smarthost()).isEqualTo(new HostPort("localhost", 587));
        assertThat(config.email().hello()).isEqualTo("localhost");
        assertThat(config.email().implicitTls()).isFalse();
        assertThat(config.kafka().topicPrefix()).isEqualTo("notifications");
        assertThat(config.kafka().embedded()).isTrue();
        assertThat(config.server().httpAddress()).isEqualTo(new HostPort("127.0.0.1", 3000));
        assertThat(config.server().accessUrl()).hasToString("http://127.0.0.1:3000");
        assertThat(config.server().postgresUrl()).isEmpty();
    }

    @Test
    void codersExperimentsAreAcceptedAndOnlyTheUnknownOnesReportedAsIgnored() {
        Map<String, String> env = Map.of("CODER_EXPERIMENTS", "notifications, workspace-usage");

        HeraldConfig fromEnvironment = load(List.of("--notifications-email-from=herald@example.com"), env);
        HeraldConfig fromFlag = load("--notifications-email-from=herald@example.com", "--experiments=*");

        assertThat(fromEnvironment.server().ignoredExperiments()).containsExactly("workspace-usage");
        assertThat(fromFlag.server().ignoredExperiments()).isEmpty();
        assertThat(load("--notifications-email-from=herald@example.com")
                        .server()
                        .ignoredExperiments())
                .isEmpty();
    }

    @Test
    void aFlagWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        Map<String, String> env = Map.of(
                "CODER_NOTIFICATIONS_EMAIL_FROM", "herald@example.com",
                "CODER_NOTIFICATIONS_MAX_SEND_ATTEMPTS", "7",
                "CODER_NOTIFICATIONS_LEASE_COUNT", "30");

        HeraldConfig config = load(List.of("--notifications-max-send-attempts", "9"), env);

        assertThat(config.notifications().maxSendAttempts()).isEqualTo(9);
        assertThat(config.notifications().leaseCount()).isEqualTo(30);
        assertThat(config.notifications().storeSyncBufferSize()).isEqualTo(50);
    }

    @Test
    void theNewerEmailSpellingsAreAliases() {
        HeraldConfig config = load(
                List.of("--email-smarthost", "smtp.example.com:2525"),
                Map.of("CODER_EMAIL_FROM", "Herald <herald@example.com>", "CODER_EMAIL_TLS_SKIPVERIFY", "true"));

        assertThat(config.email().smarthost()).isEqualTo(new HostPort("smtp.example.com", 2525));
        assertThat(config.email().from()).contains("Herald <herald@example.com>");
        assertThat(config.email().tlsSkipVerify()).isTrue();
    }

    @Test
    void twoSpellingsOfOneVariableWithDifferentValuesAreAnError() {
        Map<String, String> env = Map.of(
                "CODER_NOTIFICATIONS_EMAIL_FROM", "a@example.com",
                "CODER_EMAIL_FROM", "b@example.com");

        assertThatThrownBy(() -> load(List.of(), env))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CODER_NOTIFICATIONS_EMAIL_FROM and CODER_EMAIL_FROM are both set")
                .hasMessageContaining("Fix: set only one");
    }

    @Test
    void aBooleanFlagWithoutValueMeansTrue() {
        HeraldConfig config = load("--notifications-email-from=h@example.com", "--notifications-email-force-tls");

        assertThat(config.email().forceTls()).isTrue();
        assertThat(config.email().implicitTls()).isTrue();
    }

    @Test
    void port465ImpliesImplicitTlsAndMakesStartTlsMoot() {
        HeraldConfig config = load(
                "--notifications-email-from=h@example.com",
                "--notifications-email-smarthost=smtp.example.com:465",
                "--notifications-email-tls-starttls");

        assertThat(config.email().forceTls()).isFalse();
        assertThat(config.email().implicitTls()).isTrue();
        assertThat(config.email().useStartTls()).isFalse();
    }

    @Test
    void startTlsIsUsedOnAPlainPort() {
        HeraldConfig config = load(
                "--notifications-email-from=h@example.com",
                "--notifications-email-smarthost=smtp.example.com:587",
                "--notifications-email-tls-starttls=true");

        assertThat(config.email().implicitTls()).isFalse();
        assertThat(config.email().useStartTls()).isTrue();
    }

    @Test
    void theDispatchTimeoutMustBeShorterThanTheLease() {
        assertThatThrownBy(() -> load(
                        "--notifications-email-from=h@example.com",
                        "--notifications-dispatch-timeout=3m",
                        "--notifications-lease-period=2m"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--notifications-dispatch-timeout (CODER_NOTIFICATIONS_DISPATCH_TIMEOUT) (3m0s)"
                        + " must be shorter than --notifications-lease-period")
                .hasMessageContaining("Fix:");
    }

    @Test
    void theLeaseMustBeShorterThanTheConsumerPollInterval() {
        assertThatThrownBy(() -> load(
                        "--notifications-email-from=h@example.com",
                        "--notifications-lease-period=10m",
                        "--kafka-max-poll-interval=5m"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("must be shorter than --kafka-max-poll-interval");
    }

    @Test
    void smtpNeedsASenderWhenSomethingIsConfigured() {
        assertThatThrownBy(() -> load("--notifications-webhook-endpoint=https://example.com/hook"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--notifications-email-from (CODER_NOTIFICATIONS_EMAIL_FROM) is required when"
                        + " --notifications-method (CODER_NOTIFICATIONS_METHOD) is smtp");
    }

    @Test
    void webhookNeedsAnEndpointButNoSender() {
        assertThatThrownBy(() -> load("--notifications-method=webhook", "--notifications-email-from=h@example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--notifications-webhook-endpoint (CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT) is"
                        + " required when --notifications-method (CODER_NOTIFICATIONS_METHOD) is webhook");

        HeraldConfig config =
                load("--notifications-method=webhook", "--notifications-webhook-endpoint=https://example.com/hook");
        assertThat(config.webhook().endpoint())
                .hasValueSatisfying(uri -> assertThat(uri).hasToString("https://example.com/hook"));
    }

    @Test
    void withNeitherEmailNorAWebhookNotificationsGoToTheInboxAlone() {
        HeraldConfig config = load();

        assertThat(config.deliveryConfigured()).isFalse();
        assertThat(config.notifications().inboxEnabled()).isTrue();
        assertThat(load("--notifications-email-from=h@example.com").deliveryConfigured())
                .isTrue();
    }

    @Test
    void withNothingConfiguredAndTheInboxOffNothingCouldBeDelivered() {
        assertThatThrownBy(() -> load("--notifications-inbox-enabled=false"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(
                        "Neither email (--notifications-email-from (CODER_NOTIFICATIONS_EMAIL_FROM)) nor"
                                + " a webhook (--notifications-webhook-endpoint (CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT)) is"
                                + " configured, and --notifications-inbox-enabled (CODER_NOTIFICATIONS_INBOX_ENABLED) is false");
    }

    @Test
    void theInboxIsNotADefaultMethod() {
        assertThatThrownBy(() -> load("--notifications-method=inbox", "--notifications-email-from=h@example.com"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--notifications-method")
                .hasMessageContaining("smtp, webhook");
    }

    @Test
    void aPasswordAndAPasswordFileExcludeEachOther() {
        assertThatThrownBy(() -> load(
                        "--notifications-email-from=h@example.com",
                        "--notifications-email-auth-username=herald",
                        "--notifications-email-auth-password=hunter2",
                        "--notifications-email-auth-password-file=/run/secrets/smtp"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("are both set. Fix: set only one")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }

    @Test
    void aPasswordNeedsAUsername() {
        assertThatThrownBy(() ->
                        load("--notifications-email-from=h@example.com", "--notifications-email-auth-password=hunter2"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--notifications-email-auth-username (CODER_NOTIFICATIONS_EMAIL_AUTH_USERNAME)"
                        + " is required when a password is set");
    }

    @Test
    void aClientCertificateNeedsItsKey() {
        assertThatThrownBy(() -> load(
                        "--notifications-email-from=h@example.com",
                        "--notifications-email-tls-cert-file=/etc/herald/client.crt"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("go together");
    }

    @Test
    void aSenderMustBeAnAddress() {
        assertThatThrownBy(() -> load("--notifications-email-from=herald"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("\"herald\" is not an email address");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> load(
                        "--notifications-max-send-attempts=0",
                        "--notifications-lease-count=x",
                        "--notifications-email-from=h@example.com",
                        "--notifications-method=webhook"))
                .isInstanceOfSatisfying(
                        ConfigurationException.class,
                        e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void secretsNeverAppearInToStringOrErrors() {
        HeraldConfig config = load(
                List.of(
                        "--notifications-email-from=h@example.com",
                        "--notifications-email-auth-username=herald",
                        "--notifications-email-auth-password=hunter2",
                        "--kafka-property=sasl.jaas.config=secret-jaas-text",
                        "--postgres-url=postgres://herald:pgsecret@db:5432/herald"),
                Map.of());

        assertThat(config.email().authPassword())
                .hasValueSatisfying(secret -> assertThat(secret.reveal()).isEqualTo("hunter2"));
        assertThat(config.toString())
                .doesNotContain("hunter2")
                .doesNotContain("secret-jaas-text")
                .doesNotContain("pgsecret")
                .contains("[redacted]")
                .contains("sasl.jaas.config");

        assertThatThrownBy(() ->
                        load("--notifications-email-from=h@example.com", "--postgres-url=mysql://u:pgsecret@x/db"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--postgres-url (CODER_PG_CONNECTION_URL)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pgsecret"));
    }

    @Test
    void invalidSecretValuesAreNotEchoed() {
        assertThatThrownBy(() -> load(
                        List.of("--notifications-email-from=h@example.com"),
                        Map.of("HERALD_KAFKA_PROPERTIES", "sasl.jaas.config")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the value given by the variable HERALD_KAFKA_PROPERTIES")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sasl.jaas.config"));
    }

    @Test
    void repeatedKafkaPropertiesAreCollected() {
        HeraldConfig config = load(
                "--notifications-email-from=h@example.com",
                "--kafka-property",
                "security.protocol=SSL",
                "--kafka-property",
                "client.rack=eu-1");

        assertThat(config.kafka().clientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SSL", "client.rack", "eu-1"));
    }

    @Test
    void anUnknownFlagIsRefusedByTheParser() {
        assertThatThrownBy(() -> load("--notifications-email-frm=h@example.com"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("--notifications-email-frm");
    }
}
