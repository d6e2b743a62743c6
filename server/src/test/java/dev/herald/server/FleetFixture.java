package dev.herald.server;

import dev.herald.config.HeraldConfig;
import dev.herald.config.cli.CommandLineSettings;
import dev.herald.testing.ChildJvm;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * Runs {@code herald server} against the test's PostgreSQL and broker, in this JVM or as a child process that a test
 * can kill. Every fleet of one fixture shares a topic prefix, consumer groups, slot and scheduler id, as the replicas
 * of one deployment do.
 */
final class FleetFixture implements AutoCloseable {

    private final PostgresExtension postgres;
    private final KafkaExtension kafka;
    private final Path dataDirectory;
    private final String name;
    private final List<AutoCloseable> started = new ArrayList<>();
    private int processes;

    FleetFixture(PostgresExtension postgres, KafkaExtension kafka, Path dataDirectory, String name) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.dataDirectory = dataDirectory;
        this.name = kafka.uniquePrefix(name).replace('-', '_');
    }

    String topicPrefix() {
        return name;
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
                // A killed member is noticed after 6 s instead of 45 s.
                "--kafka-property=session.timeout.ms=6000",
                "--relay-slot-name=" + name,
                "--relay-heartbeat-interval=1s",
                "--retry-scheduler-application-id=" + name + "-retry",
                "--data-dir=" + dataDirectory.resolve("process-" + processes++),
                "--notifications-store-sync-interval=200ms",
                "--notifications-email-from=Herald <herald@example.com>",
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

    @Override
    public void close() {
        for (AutoCloseable server : started.reversed()) {
            closeQuietly(server);
        }
        started.clear();
    }

    private static void closeQuietly(AutoCloseable server) {
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + server, e);
        }
    }
}
