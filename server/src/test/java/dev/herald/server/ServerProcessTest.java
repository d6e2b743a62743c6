package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.SmtpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** {@code herald server} as a real process: embedded defaults, a SIGKILL and restart, and roles split apart. */
class ServerProcessTest {

    private static final Pattern EMBEDDED_PORT =
            Pattern.compile("embedded PostgreSQL for development started on port (\\d+)");

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("process");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();
    private static final SmtpServer smtp = fleet.smtp();

    @TempDir
    Path dataDirectory;

    private final List<ChildJvm> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(ChildJvm::close);
    }

    @Test
    void withEmbeddedDefaultsMessagesEnqueuedBySqlJavaAndHttpAreDelivered() throws Exception {
        int httpPort = freePort();
        ChildJvm server = start("embedded", embedded(httpPort));
        PGSimpleDataSource database = embeddedDatabase(server);
        PGSimpleDataSource withoutPassword = new PGSimpleDataSource();
        withoutPassword.setUrl(database.getUrl());
        withoutPassword.setUser("postgres");
        assertThatThrownBy(withoutPassword::getConnection)
                .as("the embedded PostgreSQL lets nobody in without its password")
                .hasMessageContaining("password");
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet listening = statement.executeQuery("SHOW listen_addresses")) {
            listening.next();
            assertThat(listening.getString(1)).as("loopback only").isEqualTo("localhost");
        }
        try (Connection connection = database.getConnection();
                Statement statement = connection.createStatement();
                ResultSet durability = statement.executeQuery(
                        "SELECT current_setting('fsync'), current_setting('synchronous_commit')")) {
            durability.next();
            assertThat(List.of(durability.getString(1), durability.getString(2)))
                    .as("a committed message survives a crash, and reaches the change stream without waiting for"
                            + " the WAL writer")
                    .containsExactly("on", "on");
        }
        assertThat(Files.readString(server.output()))
                .as("outside --dev, the embedded database is called what it is")
                .contains("Herald runs its embedded PostgreSQL")
                .doesNotContain(Files.readString(dataDirectory.resolve("herald").resolve("postgres.password"))
                        .strip());
        UserDirectory users = new UserDirectory(database);
        User owner = users.create("owner@example.com", "owner", "", Set.of(UserRole.OWNER));
        String key = users.createKey(owner.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
        // One event goes out by webhook, the rest by the default method, email.
        try (Connection connection = database.getConnection()) {
            connection
                    .createStatement()
                    .execute("UPDATE notification_templates SET method = 'webhook' WHERE id = '"
                            + SystemTemplates.TEMPLATE_DELETED + "'");
        }

        UUID bySql = enqueueBySql(database, owner.id());
        EnqueueResult byJava = new Enqueuer(database)
                .enqueue(EnqueueRequest.of(
                        SystemTemplates.TEMPLATE_DELETED,
                        owner.id(),
                        Map.of("name", "old-template", "initiator", "ops"),
                        "process-test"));
        ApiClient.Answer byHttp = new ApiClient(httpPort)
                .post(
                        "/api/v2/notifications/custom",
                        key,
                        "{\"content\": {\"title\": \"Over HTTP\", \"message\": \"through the API\"}}");
        assertThat(byHttp.status()).as(byHttp.body()).isEqualTo(204);

        Awaitility.await("two emails and one webhook")
                .atMost(Duration.ofSeconds(90))
                .until(() -> smtp.messages().size() >= 2 && !receiver.requests().isEmpty());
        assertThat(smtp.messages().stream().map(SmtpServer.ReceivedMessage::text))
                .anySatisfy(text -> assertThat(text).contains("Subject: A test notification"))
                .anySatisfy(text -> assertThat(text).contains("Subject: Over HTTP"));
        assertThat(receiver.requests().getFirst().header("x-message-id"))
                .isEqualTo(((EnqueueResult.Enqueued) byJava).messageId().toString());
        Awaitility.await("the SQL-enqueued message is recorded as sent")
                .atMost(Duration.ofSeconds(30))
                .until(() -> "sent".equals(status(database, bySql)));
    }

    @Test
    void aServerKilledWithSigkillAndRestartedOnTheSameDataLosesNoMessage() throws Exception {
        int httpPort = freePort();
        receiver.respondByDefault(HttpReceiver.Response.status(200).after(Duration.ofMillis(300)));
        ChildJvm first = start("sigkill-1", embedded(httpPort, "--notifications-method=webhook"));
        PGSimpleDataSource database = embeddedDatabase(first);
        User user = new UserDirectory(database).create("u@example.com", "victim", "", Set.of(UserRole.MEMBER));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(enqueueTest(database, user.id(), i));
        }
        Awaitility.await("deliveries are under way")
                .atMost(Duration.ofSeconds(60))
                .until(() -> receiver.requests().size() >= 20);

        first.kill();
        int beforeKill = receiver.requests().size();
        receiver.respondByDefault(HttpReceiver.Response.status(200));
        ChildJvm second = start(
                "sigkill-2",
                embedded(
                        httpPort,
                        "--notifications-method=webhook",
                        "--reconciler-grace=2s",
                        "--notifications-fetch-interval=1s"));
        PGSimpleDataSource restarted = embeddedDatabase(second);

        Awaitility.await("every message is sent after the restart")
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> countSent(restarted, ids) == ids.size());
        long distinct = receiver.requests().stream()
                .map(r -> r.header("x-message-id"))
                .distinct()
                .count();
        System.out.printf(
                "SIGKILL with %d of %d delivered: after the restart all %d sent, %d duplicate deliveries%n",
                beforeKill, ids.size(), distinct, receiver.requests().size() - distinct);
        assertThat(distinct).isEqualTo(ids.size());
    }

    @Test
    void rolesSplitAcrossThreeProcessesShareOneDatabaseAndBroker() throws Exception {
        int httpPort = freePort();
        String[] delivery = {
            "--notifications-email-smarthost=127.0.0.1:" + smtp.port(),
            "--notifications-webhook-endpoint=" + receiver.url("/hook")
        };
        int workerPort = freePort();
        processes.add(fleet.startProcess("producer,api", with(delivery, "--http-address=127.0.0.1:" + httpPort)));
        processes.add(fleet.startProcess(
                "dispatcher-smtp,dispatcher-webhook", with(delivery, "--http-address=127.0.0.1:" + workerPort)));
        processes.add(fleet.startProcess("retry-scheduler", delivery));
        ApiClient worker = new ApiClient(workerPort);
        assertThat(worker.get("/healthz", null).status())
                .as("a process without the api role is probeable too")
                .isEqualTo(200);
        JsonNode workerReady = worker.get("/readyz", null).json();
        assertThat(workerReady.get("ready").asBoolean()).isTrue();
        assertThat(workerReady.get("roles"))
                .extracting(role ->
                        role.get("role").asText() + "=" + role.get("state").asText())
                .contains("dispatcher-smtp=consuming", "dispatcher-webhook=consuming", "database=reachable");
        assertThat(worker.get("/api/v2/notifications/dispatch-methods", null).status())
                .as("API routes only with the api role")
                .isEqualTo(404);
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User owner = users.create("split@example.com", "splitowner", "", Set.of(UserRole.OWNER));
        String key = users.createKey(owner.id(), "test", java.time.Instant.now(), java.time.Duration.ofDays(1));
        ApiClient api = new ApiClient(httpPort);
        assertThat(api.put(
                                "/api/v2/notifications/templates/" + SystemTemplates.WORKSPACE_DELETED + "/method",
                                key,
                                "{\"method\": \"webhook\"}")
                        .status())
                .isIn(200, 304);

        assertThat(api.post("/api/v2/notifications/test", key, null).status()).isEqualTo(204);
        assertThat(api.post(
                                "/api/v2/notifications/events/workspace-deleted",
                                key,
                                "{\"owner_id\": \"" + owner.id()
                                        + "\", \"workspace_name\": \"dev\", \"reason\": \"idle\", \"initiator\": \"ops\"}")
                        .status())
                .isEqualTo(201);

        Awaitility.await("an email and a webhook")
                .atMost(Duration.ofSeconds(90))
                .until(() -> !smtp.messages().isEmpty() && !receiver.requests().isEmpty());
    }

    @Test
    void sigtermLetsSendsInFlightFinishAndWritesTheirOutcomes() throws Exception {
        receiver.respondByDefault(HttpReceiver.Response.status(200).after(Duration.ofSeconds(2)));
        String[] webhook = {
            "--notifications-method=webhook",
            "--notifications-webhook-endpoint=" + receiver.url("/hook"),
            "--notifications-max-inflight-sends=4",
            "--notifications-store-sync-interval=30s"
        };
        ChildJvm server = fleet.startProcess("producer,dispatcher-webhook", webhook);
        User user =
                new UserDirectory(postgres.dataSource()).create("t@example.com", "term", "", Set.of(UserRole.MEMBER));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ids.add(enqueueTest(postgres.dataSource(), user.id(), i));
        }
        Awaitility.await("sends are in flight")
                .atMost(Duration.ofSeconds(60))
                .until(() -> receiver.requests().size() >= 4);

        server.stop();

        long answered = receiver.requests().size();
        assertThat(count(postgres.dataSource(), ids, "leased"))
                .as("no lease is left behind: every send in flight finished and its outcome was written")
                .isZero();
        assertThat(count(postgres.dataSource(), ids, "sent"))
                .as("each request the receiver answered is recorded as sent, though the sync interval had not come")
                .isEqualTo(answered);
    }

    private static String[] with(String[] flags, String... more) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private ChildJvm start(String name, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("server");
        command.addAll(arguments);
        ChildJvm child = ChildJvm.start("server-" + name + "-" + System.nanoTime(), Herald.class, command);
        processes.add(child);
        child.awaitOutputContaining("herald server is ready", Duration.ofSeconds(180));
        return child;
    }

    /** Embedded PostgreSQL and Kafka in this test's data directory; real SMTP and HTTP receivers. */
    private List<String> embedded(int httpPort, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--data-dir=" + dataDirectory.resolve("herald"),
                "--http-address=127.0.0.1:" + httpPort,
                "--prometheus-address=",
                "--kafka-topic-partitions=2",
                "--notifications-email-from=Herald <herald@example.com>",
                "--notifications-email-smarthost=127.0.0.1:" + smtp.port(),
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                "--notifications-store-sync-interval=200ms",
                "--notifications-lease-period=10s",
                "--notifications-dispatch-timeout=5s"));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    /**
     * The embedded PostgreSQL's superuser, with the password Herald generated on its first start and keeps, readable
     * by its owner only, in the data directory.
     */
    private PGSimpleDataSource embeddedDatabase(ChildJvm server) throws IOException {
        Matcher port = EMBEDDED_PORT.matcher(Files.readString(server.output()));
        String last = null;
        while (port.find()) {
            last = port.group(1);
        }
        assertThat(last).as("the embedded PostgreSQL's port is logged").isNotNull();
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        DatabaseUrl url =
                new DatabaseUrl("127.0.0.1", Integer.parseInt(last), "postgres", "postgres", Secret.of(""), Map.of());
        dataSource.setUrl(url.jdbcUrl());
        dataSource.setUser("postgres");
        Path passwordFile = dataDirectory.resolve("herald").resolve("postgres.password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        dataSource.setPassword(Files.readString(passwordFile).strip());
        return dataSource;
    }

    private static UUID enqueueBySql(PGSimpleDataSource database, UUID user) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, '{}'::jsonb, '{\"by\": \"sql\"}'::jsonb, 'sql')")) {
            statement.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            statement.setObject(2, user);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private static long count(javax.sql.DataSource database, List<UUID> ids, String status) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM notification_messages"
                        + " WHERE status = ?::notification_message_status AND id = ANY(?)")) {
            statement.setString(1, status);
            statement.setArray(2, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static UUID enqueueTest(javax.sql.DataSource database, UUID user, int n) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT enqueue_notification_message(?, ?, '{}'::jsonb, jsonb_build_object('n', ?), 'test')")) {
            statement.setObject(1, SystemTemplates.TEST_NOTIFICATION);
            statement.setObject(2, user);
            statement.setInt(3, n);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getObject(1, UUID.class);
            }
        }
    }

    private static String status(PGSimpleDataSource database, UUID id) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement statement =
                        connection.prepareStatement("SELECT status::text FROM notification_messages WHERE id = ?")) {
            statement.setObject(1, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    private static long countSent(PGSimpleDataSource database, List<UUID> ids) throws Exception {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT count(*) FROM notification_messages WHERE status = 'sent' AND id = ANY(?)")) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
