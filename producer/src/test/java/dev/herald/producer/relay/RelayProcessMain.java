package dev.herald.producer.relay;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.config.RelayConfig;
import dev.herald.config.Secret;
import dev.herald.db.DatabaseUrl;
import dev.herald.token.TokenPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A relay in a process of its own, so that tests can kill it the way an orchestrator or the kernel does (SIGKILL):
 * no shutdown hook, no flush. Prints LEADER and STREAMING when it gets there, and STOPPED after a graceful stop.
 *
 * <p>Arguments: host port database user password bootstrapServers topicPrefix slotName
 */
public final class RelayProcessMain {

    private RelayProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        DatabaseUrl database =
                new DatabaseUrl(args[0], Integer.parseInt(args[1]), args[2], args[3], Secret.of(args[4]), Map.of());
        KafkaConfig kafka = new KafkaConfig(Optional.of(args[5]), args[6], 3, 1, Duration.ofMinutes(5), Map.of());
        CdcRelay.Settings settings = new CdcRelay.Settings(
                database, args[5], kafka, new RelayConfig(args[7], Duration.ofSeconds(1)), Duration.ofMillis(200));
        TokenPublisher publisher = RelayTestSupport.publisher(settings);
        CdcRelay relay = new CdcRelay(settings, publisher, new MetricRegistry(), Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            publisher.close();
            System.out.println("STOPPED");
        }));
        relay.start();
        boolean announcedLeader = false;
        boolean announcedStreaming = false;
        while (true) {
            if (!announcedLeader && relay.isLeader()) {
                System.out.println("LEADER");
                announcedLeader = true;
            }
            if (!announcedStreaming && relay.isStreaming()) {
                System.out.println("STREAMING");
                announcedStreaming = true;
            }
            Thread.sleep(50);
        }
    }
}
