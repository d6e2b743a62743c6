package dev.herald.server;

import dev.herald.config.HeraldConfig;
import dev.herald.config.cli.CommandLineSettings;
import dev.herald.model.NotificationMethod;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.SmtpServer;
import dev.herald.testsupport.HeraldDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@code herald server} against a test class's own PostgreSQL database and the shared broker, in this JVM or as
 * a child process that a test can kill. A JUnit extension: register it once, statically, and it brings the database,
 * the broker, the receivers a class asks for and a data directory. Servers started by a test are stopped after it;
 * servers started in {@code @BeforeAll} live as long as the class. Each test gets a fresh deployment name (topic
 * prefix, consumer groups, slot, scheduler id), shared by every server it starts, as the replicas of one deployment
 * share theirs.
 */
final class FleetFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final String baseName;
    private final PostgresExtension postgres = HeraldDatabase.migrated();
    private final KafkaExtension kafka = new KafkaExtension();
    private final HttpReceiver receiver = new HttpReceiver();
    private final SmtpServer smtp = SmtpServer.builder().build();
    private final List<AutoCloseable> started = new ArrayList<>();
    private int classServers = -1;
    private Path dataDirectory;
    private String name;
    private int processes;

    FleetFixture(String baseName) {
        this.baseName = baseName;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        postgres.beforeAll(context);
        kafka.beforeAll(context);
        receiver.beforeAll(context);
        smtp.beforeAll(context);
        dataDirectory = Files.createTempDirectory("herald-" + baseName);
        renew();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (classServers < 0) {
            classServers = started.size();
        }
        if (started.isEmpty()) {
            renew();
        }
        receiver.reset();
        smtp.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        while (started.size() > classServers) {
            closeQuietly(started.removeLast());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stopAll();
        smtp.afterAll(context);
        receiver.afterAll(context);
        postgres.afterAll(context);
        deleteRecursively(dataDirectory);
    }

    PostgresExtension postgres() {
        return postgres;
    }

    KafkaExtension kafka() {
        return kafka;
    }

    HttpReceiver receiver() {
        return receiver;
    }

    SmtpServer smtp() {
        return smtp;
    }

    /** Stops every server this fixture started and names a fresh deployment, as if a new test began. */
    void renew() {
        stopAll();
        name = kafka.uniquePrefix(baseName).replace('-', '_');
    }

    String topicPrefix() {
        return name;
    }

    /** The consumer group of the dispatchers of {@code method}. */
    String dispatcherGroup(NotificationMethod method) {
        return name + "-dispatcher-" + method.sqlName();
    }

    /** The consumer group of the retry scheduler (its Kafka Streams application id). */
    String schedulerGroup() {
        return name + "-retry";
    }

    /**
     * Waits until {@code group} has committed each of the first {@code records} records of {@code topic}: past that
     * point, nothing those records carry can still cause a send.
     */
    void awaitConsumed(String group, String topic, int records) {
        List<ConsumerRecord<String, String>> written =
                kafka.readRecords(List.of(topic), records, Duration.ofSeconds(30));
        if (written.size() < records) {
            throw new AssertionError("only " + written.size() + " of " + records + " records arrived on " + topic);
        }
        Map<TopicPartition, Long> needed = new HashMap<>();
        for (ConsumerRecord<String, String> record : written) {
            needed.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        try (Admin admin = kafka.admin()) {
            Awaitility.await(group + " consumed " + records + " record(s) of " + topic)
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        return needed.entrySet().stream()
                                .allMatch(entry -> committed.get(entry.getKey()) != null
                                        && committed.get(entry.getKey()).offset() >= entry.getValue());
                    });
        }
    }

    /** The {@code herald server} arguments for {@code roles}; {@code extra} flags come last and win. */
    List<String> arguments(String roles, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "--roles=" + roles,
                "--postgres-url=postgres://" + postgres.user() + ":" + postgres.password() + "@" + postgres.host() + ":"
                        + postgres.port() + "/" + postgres.databaseName(),
                "--kafka-bootstrap-servers=" + kafka.bootstrapServers(),
                "--kafka-topic-prefix=" + name,
                "--kafka-consumer-group-prefix=" + name,
                "--kafka-topic-partitions=2",
                "--relay-slot-name=" + name,
                "--relay-heartbeat-interval=1s",
                "--retry-scheduler-application-id=" + name + "-retry",
                "--data-dir=" + dataDirectory.resolve("process-" + processes++),
                "--notifications-store-sync-interval=200ms",
                "--notifications-email-from=Herald <herald@example.com>",
                // A suite that runs no dispatcher-inbox turns the inbox off, as an operator must; inbox suites turn
                // it on.
                "--notifications-inbox-enabled=false",
                "--http-address=127.0.0.1:0",
                "--prometheus-address="));
        for (String flag : extra) {
            String name = flag.contains("=") ? flag.substring(0, flag.indexOf('=') + 1) : flag;
            arguments.removeIf(argument -> argument.startsWith(name));
            arguments.add(flag);
        }
        return arguments;
    }

    /** Starts the roles in this JVM and waits until they are ready. */
    HeraldServer start(String roles, String... extra) {
        HeraldConfig config = HeraldConfig.load(CommandLineSettings.parse(arguments(roles, extra), Map.of()));
        HeraldServer server = HeraldServer.start(config, Clock.systemUTC());
        started.add(server);
        Awaitility.await("roles " + roles + " are ready")
                .atMost(Duration.ofSeconds(90))
                .until(() -> server.notReady().isEmpty());
        return server;
    }

    /** Starts {@code herald server} as a child process and waits until it says it is ready. */
    ChildJvm startProcess(String roles, String... extra) {
        List<String> arguments = new ArrayList<>();
        arguments.add("server");
        arguments.addAll(arguments(roles, extra));
        ChildJvm child = ChildJvm.start(name + "-" + processes, Herald.class, arguments);
        started.add(child);
        child.awaitOutputContaining("herald server is ready", Duration.ofSeconds(120));
        return child;
    }

    /** Stops a server started by this fixture now, rather than at the end of the test. */
    void stop(AutoCloseable server) {
        started.remove(server);
        closeQuietly(server);
    }

    private void stopAll() {
        for (AutoCloseable server : started.reversed()) {
            closeQuietly(server);
        }
        started.clear();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + server, e);
        }
    }
}
