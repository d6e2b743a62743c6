package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.awaitility.Awaitility;

/**
 * A single-node KRaft broker in a process of its own, which a fault test can SIGKILL and start again on the same
 * ports and data, as an operator's broker crash would be. (The shared test broker runs inside the test JVM.)
 */
public final class StandaloneKafka implements AutoCloseable {

    private static final String BROKER_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";

    private final Path properties;
    private final int port;
    private ChildJvm process;
    private int starts;

    private StandaloneKafka(Path properties, int port) {
        this.properties = properties;
        this.port = port;
    }

    /** Formats a new log directory under {@code directory} and starts the broker. */
    public static StandaloneKafka start(Path directory) {
        try {
            int port = freePort();
            int controllerPort = freePort();
            Path properties = directory.resolve("server.properties");
            Files.createDirectories(directory);
            Files.writeString(
                    properties,
                    String.join(
                                    "\n",
                                    List.of(
                                            "process.roles=broker,controller",
                                            "node.id=1",
                                            "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                                            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:"
                                                    + controllerPort,
                                            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                                            "controller.listener.names=CONTROLLER",
                                            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                                            "log.dirs="
                                                    + directory.resolve("logs").toAbsolutePath(),
                                            "num.partitions=1",
                                            "offsets.topic.replication.factor=1",
                                            "transaction.state.log.replication.factor=1",
                                            "transaction.state.log.min.isr=1",
                                            "share.coordinator.state.topic.replication.factor=1",
                                            "share.coordinator.state.topic.min.isr=1",
                                            "group.initial.rebalance.delay.ms=0",
                                            // The 128 MiB default is allocated eagerly.
                                            "log.cleaner.dedupe.buffer.size=2097152"))
                            + "\n");
            StandaloneKafka kafka = new StandaloneKafka(properties, port);
            ChildJvm format = ChildJvm.start(
                    "kafka-format-" + UUID.randomUUID(),
                    STORAGE_TOOL,
                    List.of("format", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()));
            format.awaitExit(Duration.ofSeconds(60));
            kafka.restart();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare a standalone Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: the broker gets no chance to flush or to tell its clients. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Starts the broker again on the same ports and data, and waits until it answers. */
    public synchronized void restart() {
        if (process != null) {
            return;
        }
        process = ChildJvm.start("kafka-" + port + "-" + ++starts, BROKER_MAIN, List.of(properties.toString()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Awaitility.await("the standalone broker answers")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> !admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty());
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
