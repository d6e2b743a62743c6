package dev.herald.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode inside the server process, for development. Its log directory is formatted
 * once and kept across restarts, so topics, offsets and the relay's position survive. Production points
 * {@code --kafka-bootstrap-servers} at a real cluster.
 */
final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** What one node needs: internal topics with one replica, and a small log-cleaner buffer (128 MiB by default). */
    private static final Map<String, String> SINGLE_NODE = Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("log.cleaner.dedupe.buffer.size", "2097152"),
            Map.entry("auto.create.topics.enable", "false"));

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafka start(Path dataDirectory) {
        try {
            Files.createDirectories(dataDirectory);
            String logDirectory = dataDirectory.toAbsolutePath().toString();
            int brokerPort = freePort();
            int controllerPort = freePort();
            Properties properties = new Properties();
            properties.putAll(SINGLE_NODE);
            properties.put("log.dirs", logDirectory);
            properties.put(
                    "listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
            properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            boolean existing = Files.exists(dataDirectory.resolve("meta.properties"));
            if (!existing) {
                new Formatter()
                        .setPrintStream(System.out)
                        .setNodeId(1)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDirectory))
                        .setMetadataLogDirectory(logDirectory)
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setControllerListenerName("CONTROLLER")
                        .setIgnoreFormatted(true)
                        .run();
            }
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + brokerPort;
            log.info(
                    "embedded Kafka broker for development started on {} with {} data in {}; for production give"
                            + " --kafka-bootstrap-servers",
                    bootstrap,
                    existing ? "its existing" : "new",
                    dataDirectory);
            return new EmbeddedKafka(server, bootstrap);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "could not start the embedded Kafka broker in " + dataDirectory + ": " + e.getMessage()
                            + ". Fix: check that the directory is writable, or give --kafka-bootstrap-servers.",
                    e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    @Override
    public String toString() {
        return "embedded Kafka on " + bootstrapServers;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
