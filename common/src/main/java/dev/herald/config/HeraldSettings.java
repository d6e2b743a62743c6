package dev.herald.config;

import dev.herald.model.NotificationMethod;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting Herald reads, declared once. Names, variables and defaults of the notification settings are the ones
 * Coder documents; Herald's own settings use the {@code HERALD_} prefix. {@code docs/configuration.md} is generated
 * from this list.
 */
public final class HeraldSettings {

    private HeraldSettings() {}

    static final String NOTIFICATIONS = "Notifications";
    static final String EMAIL = "Email (SMTP)";
    static final String WEBHOOK = "Webhook";
    static final String KAFKA = "Kafka";
    static final String RELAY = "CDC relay";
    static final String SCHEDULER = "Retry scheduler and reconciler";
    static final String SERVER = "Server";
    static final String API = "API";

    // --- Notifications -------------------------------------------------------------------------------------------

    public static final Setting<NotificationMethod> METHOD = Setting.builder(
                    "notifications.method", NOTIFICATIONS, SettingType.oneOf(NotificationMethod.DEFAULT_CHOICES))
            .flag("--notifications-method")
            .env("CODER_NOTIFICATIONS_METHOD")
            .defaultValue("smtp")
            .description("Which delivery method to use (available options: 'smtp', 'webhook'). A template's own"
                    + " method, chosen per event, takes precedence. The inbox is not a default: it receives its"
                    + " copy of every notification beside this method (see --notifications-inbox-enabled).")
            .build();

    public static final Setting<Boolean> INBOX_ENABLED = Setting.builder(
                    "notifications.inbox.enabled", NOTIFICATIONS, SettingType.BOOL)
            .flag("--notifications-inbox-enabled")
            .env("CODER_NOTIFICATIONS_INBOX_ENABLED")
            .defaultValue("true")
            .description("Enable Herald's in-app inbox: every notification (except one-time passcodes) is also"
                    + " delivered to its recipient's inbox, listed under the bell in the web UI and by"
                    + " /api/v2/notifications/inbox. With neither email nor a webhook configured, notifications go"
                    + " to the inbox only.")
            .build();

    public static final Setting<Duration> DISPATCH_TIMEOUT = Setting.builder(
                    "notifications.dispatchTimeout", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-dispatch-timeout")
            .env("CODER_NOTIFICATIONS_DISPATCH_TIMEOUT")
            .defaultValue("1m")
            .description("How long to wait while a notification is being sent before giving up.")
            .build();

    public static final Setting<Integer> MAX_SEND_ATTEMPTS = Setting.builder(
                    "notifications.maxSendAttempts", NOTIFICATIONS, SettingType.integer(1, 1000))
            .flag("--notifications-max-send-attempts")
            .env("CODER_NOTIFICATIONS_MAX_SEND_ATTEMPTS")
            .defaultValue("5")
            .description("The upper limit of attempts to send a notification.")
            .build();

    public static final Setting<Duration> FETCH_INTERVAL = Setting.builder(
                    "notifications.fetchInterval", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-fetch-interval")
            .env("CODER_NOTIFICATIONS_FETCH_INTERVAL")
            .defaultValue("15s")
            .description("How often the reconciler looks in PostgreSQL for messages that should be moving and are"
                    + " not (a lost work token, an expired lease, an overdue retry).")
            .build();

    public static final Setting<Duration> RETRY_INTERVAL = Setting.builder(
                    "notifications.retryInterval", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-retry-interval")
            .env("CODER_NOTIFICATIONS_RETRY_INTERVAL")
            .defaultValue("5m")
            .description("How long to wait after a temporary failure before the message is sent again.")
            .build();

    public static final Setting<RetryPolicyKind> RETRY_POLICY = Setting.builder(
                    "notifications.retryPolicy", NOTIFICATIONS, SettingType.oneOf(RetryPolicyKind.class))
            .flag("--notifications-retry-policy")
            .env("HERALD_NOTIFICATIONS_RETRY_POLICY")
            .defaultValue("fixed")
            .description("How the wait before a retry grows: 'fixed' waits the retry interval every time (as Coder"
                    + " does); 'exponential' doubles it after each failed attempt, up to the maximum retry interval,"
                    + " and spreads retries randomly over the upper half of each wait so that a recovering receiver is"
                    + " not hit by every message at once.")
            .build();

    public static final Setting<Duration> RETRY_MAX_INTERVAL = Setting.builder(
                    "notifications.retryMaxInterval", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-retry-max-interval")
            .env("HERALD_NOTIFICATIONS_RETRY_MAX_INTERVAL")
            .defaultValue("1h")
            .description("The longest wait before a retry: the cap of the exponential policy, and of a receiver's"
                    + " Retry-After header (honoured when it asks for longer than the policy's wait).")
            .build();

    public static final Setting<Duration> LEASE_PERIOD = Setting.builder(
                    "notifications.leasePeriod", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-lease-period")
            .env("CODER_NOTIFICATIONS_LEASE_PERIOD")
            .defaultValue("2m")
            .description("How long a dispatcher holds a message before another may take it over. Must be longer"
                    + " than the dispatch timeout.")
            .build();

    public static final Setting<Integer> LEASE_COUNT = Setting.builder(
                    "notifications.leaseCount", NOTIFICATIONS, SettingType.integer(1, 10_000))
            .flag("--notifications-lease-count")
            .env("CODER_NOTIFICATIONS_LEASE_COUNT")
            .defaultValue("20")
            .description("How many messages a dispatcher leases at once (the records of one Kafka poll).")
            .build();

    public static final Setting<Duration> STORE_SYNC_INTERVAL = Setting.builder(
                    "notifications.storeSyncInterval", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-store-sync-interval")
            .env("CODER_NOTIFICATIONS_STORE_SYNC_INTERVAL")
            .defaultValue("2s")
            .description("How often buffered delivery outcomes are written back to PostgreSQL.")
            .build();

    public static final Setting<Integer> STORE_SYNC_BUFFER_SIZE = Setting.builder(
                    "notifications.storeSyncBufferSize", NOTIFICATIONS, SettingType.integer(1, 100_000))
            .flag("--notifications-store-sync-buffer-size")
            .env("CODER_NOTIFICATIONS_STORE_SYNC_BUFFER_SIZE")
            .defaultValue("50")
            .description(
                    "How many delivery outcomes are buffered before they are written back, whatever the" + " interval.")
            .build();

    public static final Setting<Duration> RETENTION = Setting.builder(
                    "notifications.retention", NOTIFICATIONS, SettingType.positiveDuration())
            .flag("--notifications-retention")
            .env("HERALD_NOTIFICATIONS_RETENTION")
            .defaultValue("7d")
            .description("How long messages are kept, whatever their state, before they are deleted.")
            .build();

    public static final Setting<Integer> MAX_INFLIGHT_SENDS = Setting.builder(
                    "notifications.maxInflightSends", NOTIFICATIONS, SettingType.integer(1, 10_000))
            .flag("--notifications-max-inflight-sends")
            .env("HERALD_NOTIFICATIONS_MAX_INFLIGHT_SENDS")
            .defaultValue("32")
            .description("How many sends one dispatcher replica runs at the same time.")
            .build();

    // --- Email ---------------------------------------------------------------------------------------------------

    public static final Setting<String> EMAIL_FROM = Setting.builder("email.from", EMAIL, SettingType.STRING)
            .flag("--notifications-email-from", "--email-from")
            .env("CODER_NOTIFICATIONS_EMAIL_FROM", "CODER_EMAIL_FROM")
            .description("The sender's address to use. A display name is allowed: \"Herald <herald@example.com>\".")
            .build();

    public static final Setting<String> APPLICATION_NAME = Setting.builder(
                    "appearance.applicationName", EMAIL, SettingType.STRING)
            .flag("--application-name")
            .env("HERALD_APPLICATION_NAME")
            .description("The name emails show in their header, as Coder's appearance settings do. The deployment"
                    + " settings page (/deployment/notifications, Settings) overrides it; without either, Herald.")
            .build();

    public static final Setting<String> LOGO_URL = Setting.builder("appearance.logoUrl", EMAIL, SettingType.STRING)
            .flag("--logo-url")
            .env("HERALD_LOGO_URL")
            .description("An absolute http(s) URL of the logo emails show beside the application name. The"
                    + " deployment settings page overrides it; without either, no logo.")
            .build();

    public static final Setting<HostPort> EMAIL_SMARTHOST = Setting.builder(
                    "email.smarthost", EMAIL, SettingType.HOST_PORT)
            .flag("--notifications-email-smarthost", "--email-smarthost")
            .env("CODER_NOTIFICATIONS_EMAIL_SMARTHOST", "CODER_EMAIL_SMARTHOST")
            .defaultValue("localhost:587")
            .description("The SMTP relay to send messages through.")
            .build();

    public static final Setting<String> EMAIL_HELLO = Setting.builder("email.hello", EMAIL, SettingType.STRING)
            .flag("--notifications-email-hello", "--email-hello")
            .env("CODER_NOTIFICATIONS_EMAIL_HELLO", "CODER_EMAIL_HELLO")
            .defaultValue("localhost")
            .description("The hostname identifying the SMTP server.")
            .build();

    public static final Setting<String> EMAIL_AUTH_USERNAME = Setting.builder(
                    "email.auth.username", EMAIL, SettingType.STRING)
            .flag("--notifications-email-auth-username", "--email-auth-username")
            .env("CODER_NOTIFICATIONS_EMAIL_AUTH_USERNAME", "CODER_EMAIL_AUTH_USERNAME")
            .description("Username to use with PLAIN/LOGIN authentication.")
            .build();

    public static final Setting<Secret> EMAIL_AUTH_PASSWORD = Setting.builder(
                    "email.auth.password", EMAIL, SettingType.SECRET)
            .flag("--notifications-email-auth-password", "--email-auth-password")
            .env("CODER_NOTIFICATIONS_EMAIL_AUTH_PASSWORD", "CODER_EMAIL_AUTH_PASSWORD")
            .description("Password to use with PLAIN/LOGIN authentication.")
            .secret()
            .build();

    public static final Setting<Path> EMAIL_AUTH_PASSWORD_FILE = Setting.builder(
                    "email.auth.passwordFile", EMAIL, SettingType.PATH)
            .flag("--notifications-email-auth-password-file", "--email-auth-password-file")
            .env("CODER_NOTIFICATIONS_EMAIL_AUTH_PASSWORD_FILE", "CODER_EMAIL_AUTH_PASSWORD_FILE")
            .description("File from which to load password for use with PLAIN/LOGIN authentication. It is read"
                    + " again for every connection, so a rotated password is picked up without a restart.")
            .build();

    public static final Setting<Boolean> EMAIL_AUTH_ALLOW_INSECURE = Setting.builder(
                    "email.auth.allowInsecure", EMAIL, SettingType.BOOL)
            .flag("--notifications-email-auth-allow-insecure")
            .env("HERALD_NOTIFICATIONS_EMAIL_AUTH_ALLOW_INSECURE")
            .defaultValue("false")
            .description("Allow SMTP authentication over a connection that is not encrypted. Without it, a"
                    + " username for a smarthost other than localhost needs --notifications-email-force-tls or"
                    + " --notifications-email-tls-starttls, so that the password never crosses the network in the"
                    + " clear (the rule Go's net/smtp enforces).")
            .build();

    public static final Setting<String> EMAIL_AUTH_IDENTITY = Setting.builder(
                    "email.auth.identity", EMAIL, SettingType.STRING)
            .flag("--notifications-email-auth-identity", "--email-auth-identity")
            .env("CODER_NOTIFICATIONS_EMAIL_AUTH_IDENTITY", "CODER_EMAIL_AUTH_IDENTITY")
            .description("Identity to use with PLAIN authentication.")
            .build();

    public static final Setting<Boolean> EMAIL_FORCE_TLS = Setting.builder("email.forceTls", EMAIL, SettingType.BOOL)
            .flag("--notifications-email-force-tls", "--email-force-tls")
            .env("CODER_NOTIFICATIONS_EMAIL_FORCE_TLS", "CODER_EMAIL_FORCE_TLS")
            .defaultValue("false")
            .description("Force a TLS connection to the configured SMTP smarthost. If port 465 is used, TLS will be"
                    + " forced. See https://datatracker.ietf.org/doc/html/rfc8314#section-3.3.")
            .build();

    public static final Setting<Boolean> EMAIL_TLS_STARTTLS = Setting.builder(
                    "email.tls.startTls", EMAIL, SettingType.BOOL)
            .flag("--notifications-email-tls-starttls", "--email-tls-starttls")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_STARTTLS", "CODER_EMAIL_TLS_STARTTLS")
            .defaultValue("false")
            .description("Enable STARTTLS to upgrade insecure SMTP connections using TLS. Ignored if"
                    + " CODER_NOTIFICATIONS_EMAIL_FORCE_TLS is set.")
            .build();

    public static final Setting<Boolean> EMAIL_TLS_SKIP_VERIFY = Setting.builder(
                    "email.tls.skipVerify", EMAIL, SettingType.BOOL)
            .flag("--notifications-email-tls-skip-verify", "--email-tls-skip-verify")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_SKIPVERIFY", "CODER_EMAIL_TLS_SKIPVERIFY")
            .defaultValue("false")
            .description("Skip verification of the target server's certificate (insecure).")
            .build();

    public static final Setting<String> EMAIL_TLS_SERVER_NAME = Setting.builder(
                    "email.tls.serverName", EMAIL, SettingType.STRING)
            .flag("--notifications-email-tls-server-name", "--email-tls-server-name")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_SERVERNAME", "CODER_EMAIL_TLS_SERVERNAME")
            .description("Server name to verify against the target certificate.")
            .build();

    public static final Setting<Path> EMAIL_TLS_CERT_FILE = Setting.builder(
                    "email.tls.certFile", EMAIL, SettingType.PATH)
            .flag("--notifications-email-tls-cert-file", "--email-tls-cert-file")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_CERTFILE", "CODER_EMAIL_TLS_CERTFILE")
            .description("Certificate file to use (PEM), for servers that require a client certificate.")
            .build();

    public static final Setting<Path> EMAIL_TLS_CERT_KEY_FILE = Setting.builder(
                    "email.tls.certKeyFile", EMAIL, SettingType.PATH)
            .flag("--notifications-email-tls-cert-key-file", "--email-tls-cert-key-file")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_CERTKEYFILE", "CODER_EMAIL_TLS_CERTKEYFILE")
            .description("Certificate key file to use (PEM, PKCS#8).")
            .build();

    public static final Setting<Path> EMAIL_TLS_CA_CERT_FILE = Setting.builder(
                    "email.tls.caCertFile", EMAIL, SettingType.PATH)
            .flag("--notifications-email-tls-ca-cert-file", "--email-tls-ca-cert-file")
            .env("CODER_NOTIFICATIONS_EMAIL_TLS_CACERTFILE", "CODER_EMAIL_TLS_CACERTFILE")
            .description("CA certificate file (PEM) to trust instead of the system's certificate authorities.")
            .build();

    public static final Setting<Integer> EMAIL_MAX_MESSAGES_PER_CONNECTION = Setting.builder(
                    "email.maxMessagesPerConnection", EMAIL, SettingType.integer(1, 100_000))
            .flag("--notifications-email-max-messages-per-connection")
            .env("HERALD_NOTIFICATIONS_EMAIL_MAX_MESSAGES_PER_CONNECTION")
            .defaultValue("100")
            .description("How many messages one SMTP connection carries (RSET between them) before it is closed"
                    + " and a fresh one opened. 1 opens a connection per message.")
            .build();

    public static final Setting<Duration> EMAIL_CONNECTION_IDLE_TIMEOUT = Setting.builder(
                    "email.connectionIdleTimeout", EMAIL, SettingType.positiveDuration())
            .flag("--notifications-email-connection-idle-timeout")
            .env("HERALD_NOTIFICATIONS_EMAIL_CONNECTION_IDLE_TIMEOUT")
            .defaultValue("30s")
            .description("How long an unused SMTP connection is kept for the next message. Keep it below the"
                    + " smarthost's own idle timeout (often 60s to 5m).")
            .build();

    // --- Webhook -------------------------------------------------------------------------------------------------

    public static final Setting<URI> WEBHOOK_ENDPOINT = Setting.builder("webhook.endpoint", WEBHOOK, SettingType.URL)
            .flag("--notifications-webhook-endpoint")
            .env("CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT")
            .description("The endpoint to which to send webhooks.")
            .build();

    public static final Setting<java.util.List<Secret>> WEBHOOK_SIGNING_SECRETS = Setting.builder(
                    "webhook.signingSecrets", WEBHOOK, SettingType.SECRET_LIST)
            .flag("--notifications-webhook-signing-secret")
            .env("HERALD_NOTIFICATIONS_WEBHOOK_SIGNING_SECRET")
            .description("Signs every webhook in the Standard Webhooks format (webhook-id, webhook-timestamp,"
                    + " webhook-signature headers) with this secret, written whsec_<base64>. Give several (repeat"
                    + " the flag, or separate with commas) to rotate: each signs, receivers accept any.")
            .secret()
            .repeatable()
            .build();

    public static final Setting<Path> WEBHOOK_SIGNING_SECRET_FILE = Setting.builder(
                    "webhook.signingSecretFile", WEBHOOK, SettingType.PATH)
            .flag("--notifications-webhook-signing-secret-file")
            .env("HERALD_NOTIFICATIONS_WEBHOOK_SIGNING_SECRET_FILE")
            .description("A file with one signing secret per line, read again for every request so that rotation"
                    + " needs no restart.")
            .build();

    public static final Setting<Duration> WEBHOOK_CONNECT_TIMEOUT = Setting.builder(
                    "webhook.connectTimeout", WEBHOOK, SettingType.positiveDuration())
            .flag("--notifications-webhook-connect-timeout")
            .env("HERALD_NOTIFICATIONS_WEBHOOK_CONNECT_TIMEOUT")
            .defaultValue("10s")
            .description("How long to wait for the webhook endpoint to accept a connection. The whole request is"
                    + " bounded by the dispatch timeout.")
            .build();

    // --- Kafka ---------------------------------------------------------------------------------------------------

    public static final Setting<String> KAFKA_BOOTSTRAP_SERVERS = Setting.builder(
                    "kafka.bootstrapServers", KAFKA, SettingType.STRING)
            .flag("--kafka-bootstrap-servers")
            .env("HERALD_KAFKA_BOOTSTRAP_SERVERS")
            .description("Kafka brokers to connect to (host:port, comma-separated). When empty, `herald server`"
                    + " starts an embedded single-node broker for development.")
            .build();

    public static final Setting<String> KAFKA_TOPIC_PREFIX = Setting.builder(
                    "kafka.topicPrefix", KAFKA, SettingType.STRING)
            .flag("--kafka-topic-prefix")
            .env("HERALD_KAFKA_TOPIC_PREFIX")
            .defaultValue("notifications")
            .description("Prefix of Herald's topics: <prefix>.smtp, <prefix>.webhook and <prefix>.retry.")
            .build();

    public static final Setting<Integer> KAFKA_TOPIC_PARTITIONS = Setting.builder(
                    "kafka.topicPartitions", KAFKA, SettingType.integer(1, 10_000))
            .flag("--kafka-topic-partitions")
            .env("HERALD_KAFKA_TOPIC_PARTITIONS")
            .defaultValue("6")
            .description("Partitions of each topic Herald creates; the most dispatcher replicas per method that can"
                    + " share the work.")
            .build();

    public static final Setting<Integer> KAFKA_TOPIC_REPLICATION_FACTOR = Setting.builder(
                    "kafka.topicReplicationFactor", KAFKA, SettingType.integer(1, 32))
            .flag("--kafka-topic-replication-factor")
            .env("HERALD_KAFKA_TOPIC_REPLICATION_FACTOR")
            .defaultValue("1")
            .description("Replication factor of each topic Herald creates (3 in production).")
            .build();

    public static final Setting<String> KAFKA_GROUP_PREFIX = Setting.builder(
                    "kafka.groupPrefix", KAFKA, SettingType.STRING)
            .flag("--kafka-consumer-group-prefix")
            .env("HERALD_KAFKA_CONSUMER_GROUP_PREFIX")
            .defaultValue("herald")
            .description("Dispatchers join the consumer groups <prefix>-dispatcher-smtp and"
                    + " <prefix>-dispatcher-webhook. Two Herald deployments sharing one Kafka cluster need different"
                    + " prefixes (and topic prefixes).")
            .build();

    public static final Setting<Duration> KAFKA_MAX_POLL_INTERVAL = Setting.builder(
                    "kafka.maxPollInterval", KAFKA, SettingType.positiveDuration())
            .flag("--kafka-max-poll-interval")
            .env("HERALD_KAFKA_MAX_POLL_INTERVAL")
            .defaultValue("5m")
            .description("The consumer's max.poll.interval.ms. Must be longer than the lease period.")
            .build();

    public static final Setting<Duration> KAFKA_SESSION_TIMEOUT = Setting.builder(
                    "kafka.sessionTimeout", KAFKA, SettingType.positiveDuration())
            .flag("--kafka-session-timeout")
            .env("HERALD_KAFKA_SESSION_TIMEOUT")
            .defaultValue("10s")
            .description("How long a dispatcher or retry scheduler replica that stopped answering keeps its partitions"
                    + " before its group hands them to the others (the consumers' session.timeout.ms; heartbeats"
                    + " go every third of it). Kafka's default is 45s; Herald's moves a dead worker's messages within"
                    + " about 10s. The broker accepts values from group.min.session.timeout.ms (6s by default).")
            .build();

    public static final Setting<Map<String, String>> KAFKA_PROPERTIES = Setting.builder(
                    "kafka.properties", KAFKA, SettingType.KEY_VALUES)
            .flag("--kafka-property")
            .env("HERALD_KAFKA_PROPERTIES")
            .description("Any Kafka client property, passed to every producer, consumer, admin and streams client"
                    + " (for example security.protocol=SASL_SSL). Repeat the flag, or separate pairs with commas in"
                    + " the variable. Values are never logged.")
            .secret()
            .readableFromFile()
            .repeatable()
            .build();

    // --- CDC relay -----------------------------------------------------------------------------------------------

    public static final Setting<String> RELAY_SLOT_NAME = Setting.builder("relay.slotName", RELAY, SettingType.STRING)
            .flag("--relay-slot-name")
            .env("HERALD_RELAY_SLOT_NAME")
            .defaultValue("herald_relay")
            .description("The logical replication slot the CDC relay streams from. One slot per Herald deployment;"
                    + " every relay replica of the deployment names the same one.")
            .build();

    public static final Setting<Duration> RELAY_HEARTBEAT_INTERVAL = Setting.builder(
                    "relay.heartbeatInterval", RELAY, SettingType.positiveDuration())
            .flag("--relay-heartbeat-interval")
            .env("HERALD_RELAY_HEARTBEAT_INTERVAL")
            .defaultValue("10s")
            .description("How often the relay confirms its position to PostgreSQL while no message is written, so"
                    + " that the slot does not hold back write-ahead log.")
            .build();

    public static final Setting<Long> RELAY_SLOT_LAG_WARNING = Setting.builder(
                    "relay.slotLagWarning", RELAY, SettingType.BYTE_SIZE)
            .flag("--relay-slot-lag-warning")
            .env("HERALD_RELAY_SLOT_LAG_WARNING")
            .defaultValue("1GiB")
            .description("Write-ahead log the relay's slot may hold back on PostgreSQL before the relay warns (and"
                    + " /readyz says so): a slot nobody reads keeps every WAL segment since its position.")
            .build();

    // --- Retry scheduler and reconciler ---------------------------------------------------------------------------

    public static final Setting<String> RETRY_SCHEDULER_APPLICATION_ID = Setting.builder(
                    "retryScheduler.applicationId", SCHEDULER, SettingType.STRING)
            .flag("--retry-scheduler-application-id")
            .env("HERALD_RETRY_SCHEDULER_APPLICATION_ID")
            .defaultValue("herald-retry-scheduler")
            .description("The Kafka Streams application id of the retry scheduler. Replicas with the same id share"
                    + " the retry timers by partition; it also names the scheduler's internal topics.")
            .build();

    public static final Setting<Integer> RETRY_SCHEDULER_STREAM_THREADS = Setting.builder(
                    "retryScheduler.streamThreads", SCHEDULER, SettingType.integer(1, 64))
            .flag("--retry-scheduler-stream-threads")
            .env("HERALD_RETRY_SCHEDULER_STREAM_THREADS")
            .defaultValue("1")
            .description("Kafka Streams threads per retry scheduler replica; useful up to the number of partitions"
                    + " of the retry topic.")
            .build();

    public static final Setting<Integer> RETRY_SCHEDULER_STANDBY_REPLICAS = Setting.builder(
                    "retryScheduler.standbyReplicas", SCHEDULER, SettingType.integer(0, 8))
            .flag("--retry-scheduler-standby-replicas")
            .env("HERALD_RETRY_SCHEDULER_STANDBY_REPLICAS")
            .defaultValue("0")
            .description("Kafka Streams standby replicas of the retry timers: a replica that takes over a dead one's"
                    + " partitions then holds their timers already instead of rebuilding them from the changelog."
                    + " Useful with more than one retry scheduler replica.")
            .build();

    public static final Setting<Duration> RECONCILER_GRACE = Setting.builder(
                    "reconciler.grace", SCHEDULER, SettingType.positiveDuration())
            .flag("--reconciler-grace")
            .env("HERALD_RECONCILER_GRACE")
            .defaultValue("1m")
            .description("How long a message may be pending, or overdue for its retry, before the reconciler"
                    + " assumes its work token was lost and issues a new one. A message re-driven once waits this"
                    + " long again before the next re-drive.")
            .build();

    public static final Setting<Integer> RECONCILER_BATCH_SIZE = Setting.builder(
                    "reconciler.batchSize", SCHEDULER, SettingType.integer(1, 100_000))
            .flag("--reconciler-batch-size")
            .env("HERALD_RECONCILER_BATCH_SIZE")
            .defaultValue("1000")
            .description("How many rows the reconciler and the retention purge handle per transaction. Small"
                    + " batches keep locks short while a large backlog is worked through.")
            .build();

    // --- Server --------------------------------------------------------------------------------------------------

    public static final Setting<Set<Role>> ROLES = Setting.builder("roles", SERVER, SettingType.ROLES)
            .flag("--roles")
            .env("HERALD_ROLES")
            .defaultValue("all")
            .description("What this process does: all, or any of producer (the CDC relay), dispatcher-smtp,"
                    + " dispatcher-webhook, dispatcher-inbox, retry-scheduler (retry timers, reconciler, retention) and api (HTTP API,"
                    + " web UI). Production runs one role per container.")
            .build();

    public static final Setting<Boolean> DEV = Setting.builder("dev", SERVER, SettingType.BOOL)
            .flag("--dev")
            .env("HERALD_DEV")
            .defaultValue("false")
            .description("Development mode: runs a local mail catcher and delivers email there, and creates a first"
                    + " owner on a fresh database, printing its API token. Never use it in production.")
            .build();

    public static final Setting<Secret> POSTGRES_URL = Setting.builder("postgres.url", SERVER, SettingType.SECRET)
            .flag("--postgres-url")
            .env("CODER_PG_CONNECTION_URL")
            .description("URL of a PostgreSQL database, as postgres://user:pass@host:port/db?sslmode=... or a JDBC"
                    + " URL. When empty, `herald server` starts an embedded PostgreSQL in the data directory.")
            .secret()
            .readableFromFile()
            .build();

    public static final Setting<URI> ACCESS_URL = Setting.builder("accessUrl", SERVER, SettingType.URL)
            .flag("--access-url")
            .env("CODER_ACCESS_URL")
            .description("The URL users reach Herald at; links in notifications point here. Defaults to"
                    + " http://<http-address>.")
            .build();

    public static final Setting<HostPort> HTTP_ADDRESS = Setting.builder("httpAddress", SERVER, SettingType.HOST_PORT)
            .flag("--http-address")
            .env("CODER_HTTP_ADDRESS")
            .defaultValue("127.0.0.1:3000")
            .description("HTTP bind address of the API, the web UI and the health checks.")
            .build();

    public static final Setting<String> PROMETHEUS_ADDRESS = Setting.builder(
                    "prometheusAddress", SERVER, SettingType.STRING)
            .flag("--prometheus-address")
            .env("CODER_PROMETHEUS_ADDRESS")
            .defaultValue("127.0.0.1:2112")
            .description("The bind address to serve Prometheus metrics on; empty turns the endpoint off.")
            .build();

    public static final Setting<Boolean> VERBOSE = Setting.builder("verbose", SERVER, SettingType.BOOL)
            .flag("--verbose", "-v")
            .env("CODER_VERBOSE")
            .defaultValue("false")
            .description("Output debug-level logs.")
            .build();

    public static final Setting<Path> DATA_DIR = Setting.builder("dataDir", SERVER, SettingType.PATH)
            .flag("--data-dir")
            .env("HERALD_DATA_DIR")
            .defaultValue("~/.herald")
            .description("Where the embedded PostgreSQL and Kafka keep their data across restarts.")
            .build();

    public static final Setting<List<String>> EXPERIMENTS = Setting.builder(
                    "experiments", SERVER, SettingType.STRING_LIST)
            .flag("--experiments")
            .env("CODER_EXPERIMENTS")
            .description("Accepted so that Coder's start commands work unchanged. Notifications are always on in"
                    + " Herald; any other experiment is logged at start-up and ignored.")
            .repeatable()
            .build();

    // --- API --------------------------------------------------------------------------------------------------

    public static final Setting<Duration> DEFAULT_TOKEN_LIFETIME = Setting.builder(
                    "api.defaultTokenLifetime", API, SettingType.positiveDuration())
            .flag("--default-token-lifetime")
            .env("CODER_DEFAULT_TOKEN_LIFETIME")
            .defaultValue("168h")
            .description("How long an API key is valid when it is created through the API without a lifetime of its"
                    + " own, and development mode's first key. Keys can be listed and revoked at any time.")
            .build();

    public static final Setting<Integer> CUSTOM_NOTIFICATIONS_PER_MINUTE = Setting.builder(
                    "api.customNotificationsPerMinute", API, SettingType.integer(1, 10_000))
            .flag("--notifications-custom-rate-limit")
            .env("HERALD_NOTIFICATIONS_CUSTOM_RATE_LIMIT")
            .defaultValue("10")
            .description("How many custom notifications (POST /api/v2/notifications/custom) one user may send a"
                    + " minute; beyond it the API answers 429 with Retry-After. Counted by each api replica.")
            .build();

    public static final Setting<List<String>> PROXY_TRUSTED_HEADERS = Setting.builder(
                    "api.proxyTrustedHeaders", API, SettingType.STRING_LIST)
            .flag("--proxy-trusted-headers")
            .env("CODER_PROXY_TRUSTED_HEADERS")
            .description("Headers a trusted reverse proxy sets to the client's address, such as X-Forwarded-For or"
                    + " X-Real-IP; read only from --proxy-trusted-origins. Sign-in throttling counts per client"
                    + " address, so behind a proxy set both, or every user shares the proxy's address.")
            .repeatable()
            .build();

    public static final Setting<List<Cidr>> PROXY_TRUSTED_ORIGINS = Setting.builder(
                    "api.proxyTrustedOrigins", API, SettingType.CIDR_LIST)
            .flag("--proxy-trusted-origins")
            .env("CODER_PROXY_TRUSTED_ORIGINS")
            .description("Address blocks (such as 10.0.0.0/8) of the reverse proxies whose"
                    + " --proxy-trusted-headers are believed.")
            .repeatable()
            .build();

    /** Every setting, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(
            METHOD,
            DISPATCH_TIMEOUT,
            MAX_SEND_ATTEMPTS,
            FETCH_INTERVAL,
            RETRY_INTERVAL,
            RETRY_POLICY,
            RETRY_MAX_INTERVAL,
            LEASE_PERIOD,
            LEASE_COUNT,
            STORE_SYNC_INTERVAL,
            STORE_SYNC_BUFFER_SIZE,
            RETENTION,
            MAX_INFLIGHT_SENDS,
            INBOX_ENABLED,
            EMAIL_FROM,
            APPLICATION_NAME,
            LOGO_URL,
            EMAIL_SMARTHOST,
            EMAIL_HELLO,
            EMAIL_AUTH_USERNAME,
            EMAIL_AUTH_PASSWORD,
            EMAIL_AUTH_PASSWORD_FILE,
            EMAIL_AUTH_ALLOW_INSECURE,
            EMAIL_AUTH_IDENTITY,
            EMAIL_FORCE_TLS,
            EMAIL_TLS_STARTTLS,
            EMAIL_TLS_SKIP_VERIFY,
            EMAIL_TLS_SERVER_NAME,
            EMAIL_TLS_CERT_FILE,
            EMAIL_TLS_CERT_KEY_FILE,
            EMAIL_TLS_CA_CERT_FILE,
            EMAIL_MAX_MESSAGES_PER_CONNECTION,
            EMAIL_CONNECTION_IDLE_TIMEOUT,
            WEBHOOK_ENDPOINT,
            WEBHOOK_SIGNING_SECRETS,
            WEBHOOK_SIGNING_SECRET_FILE,
            WEBHOOK_CONNECT_TIMEOUT,
            KAFKA_BOOTSTRAP_SERVERS,
            KAFKA_TOPIC_PREFIX,
            KAFKA_TOPIC_PARTITIONS,
            KAFKA_TOPIC_REPLICATION_FACTOR,
            KAFKA_GROUP_PREFIX,
            KAFKA_MAX_POLL_INTERVAL,
            KAFKA_SESSION_TIMEOUT,
            KAFKA_PROPERTIES,
            RELAY_SLOT_NAME,
            RELAY_HEARTBEAT_INTERVAL,
            RELAY_SLOT_LAG_WARNING,
            RETRY_SCHEDULER_APPLICATION_ID,
            RETRY_SCHEDULER_STREAM_THREADS,
            RETRY_SCHEDULER_STANDBY_REPLICAS,
            RECONCILER_GRACE,
            RECONCILER_BATCH_SIZE,
            ROLES,
            DEV,
            POSTGRES_URL,
            ACCESS_URL,
            HTTP_ADDRESS,
            PROMETHEUS_ADDRESS,
            VERBOSE,
            DATA_DIR,
            EXPERIMENTS,
            DEFAULT_TOKEN_LIFETIME,
            CUSTOM_NOTIFICATIONS_PER_MINUTE,
            PROXY_TRUSTED_HEADERS,
            PROXY_TRUSTED_ORIGINS);
}
