package dev.herald.producer.relay;

import static dev.herald.producer.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.codahale.metrics.MetricRegistry;
import dev.herald.config.RelayConfig;
import dev.herald.lifecycle.LeaderLoop;
import dev.herald.model.NotificationMethod;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The change stream against the faults operators meet: a slot name another database holds, a slot dropped under the
 * running relay, and a stored position the server no longer has. The relay says what is wrong once, backs off, and
 * heals what it can without anyone touching Kafka.
 */
class RelayHealingTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    @RegisterExtension
    static final PostgresExtension otherDatabase = HeraldDatabase.migrated();

    @RegisterExtension
    static final KafkaExtension kafka = new KafkaExtension();

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private String prefix;
    private String slot;
    private UUID user;
    private TokenPublisher publisher;
    private TokenCollector collector;

    @BeforeEach
    void setUp() {
        prefix = kafka.uniquePrefix("healing");
        slot = uniqueSlot();
        user = new TestData(postgres.dataSource()).user().insert();
        publisher = publisher(settings(postgres, kafka, prefix, slot));
        collector = new TokenCollector(kafka, new TopicNames(prefix));
        log.start();
        for (Class<?> type : List.of(LeaderLoop.class, CdcRelay.class)) {
            ((Logger) LoggerFactory.getLogger(type)).addAppender(log);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
        collector.close();
        publisher.close();
        for (Class<?> type : List.of(LeaderLoop.class, CdcRelay.class)) {
            ((Logger) LoggerFactory.getLogger(type)).detachAppender(log);
        }
        otherDatabase.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "' AND NOT active");
    }

    @Test
    void aSlotNameAnotherDatabaseHoldsIsNamedWithTheFixOnceAndTheRelayDoesNotSpin() {
        otherDatabase.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");

        CdcRelay relay = relay();
        Awaitility.await("the relay to say what is wrong")
                .atMost(Duration.ofSeconds(20))
                .until(() -> relay.problem().isPresent());
        // Keep it failing for a while: with a 200 ms interval an unbounded loop would try dozens of times.
        Awaitility.await().pollDelay(Duration.ofSeconds(4)).until(() -> true);

        assertThat(relay.isStreaming()).isFalse();
        assertThat(relay.state()).isEqualTo(CdcRelay.State.RESTARTING);
        assertThat(relay.problem().orElseThrow())
                .contains("the replication slot " + slot + " belongs to database " + otherDatabase.databaseName())
                .contains("--relay-slot-name");
        assertThat(warnings())
                .as("one line for the failure, however often it is retried")
                .singleElement()
                .asString()
                .contains("belongs to database " + otherDatabase.databaseName())
                .contains("Fix: give this deployment its own --relay-slot-name");
        assertThat(log.list).noneMatch(event -> event.getThrowableProxy() != null);
    }

    @Test
    void aSlotDroppedWhileTheRelayStreamsIsRecreatedAndNewMessagesFlow() throws Exception {
        CdcRelay relay = relay();
        Map<UUID, NotificationMethod> before = streamSome(relay, "before-drop");

        Awaitility.await("the slot to be dropped from under the relay")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    postgres.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                            + " WHERE slot_name = '" + slot + "' AND active");
                    postgres.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                    return true;
                });
        // Rows written before the healed restart are the gap (the reconciler's, not the relay's): wait for it.
        Awaitility.await("the relay to forget the position the dropped slot had")
                .atMost(Duration.ofSeconds(60))
                .until(() -> warnings().stream().anyMatch(line -> line.contains("no longer has the position")));
        Map<UUID, NotificationMethod> after = enqueueOnceStreaming(relay, "after-drop");

        collector.awaitAll(after.keySet(), Duration.ofSeconds(60));
        assertThat(before.keySet())
                .allSatisfy(id -> assertThat(collector.seen()).containsKey(id));
        assertThat(relay.state()).isEqualTo(CdcRelay.State.STREAMING);
        assertThat(relay.problem()).isEmpty();
    }

    @Test
    void aStoredPositionTheServerNoLongerHasIsForgottenAndTheStreamStartsFromTheSlot() throws Exception {
        CdcRelay first = relay();
        streamSome(first, "before-restore");
        first.close();
        opened.remove(first);
        // As after a restore or a failover: the slot the stored position belongs to is gone, and WAL moved on.
        postgres.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        enqueue(postgres, user, "in-the-gap", 20, 20);

        CdcRelay second = relay();
        Map<UUID, NotificationMethod> after = enqueueOnceStreaming(second, "after-restore");

        collector.awaitAll(after.keySet(), Duration.ofSeconds(60));
        System.out.println("healing log: "
                + log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    }

    /** Waits until the relay streams, then enqueues a few messages and waits until they are on their topics. */
    private Map<UUID, NotificationMethod> streamSome(CdcRelay relay, String run) throws Exception {
        Map<UUID, NotificationMethod> ids = enqueueOnceStreaming(relay, run);
        collector.awaitAll(ids.keySet(), Duration.ofSeconds(30));
        return ids;
    }

    private Map<UUID, NotificationMethod> enqueueOnceStreaming(CdcRelay relay, String run) throws Exception {
        Awaitility.await("the relay streams again")
                .atMost(Duration.ofSeconds(90))
                .until(relay::isStreaming);
        return enqueue(postgres, user, run, 20, 20);
    }

    @Test
    void aSlotHoldingBackMoreWriteAheadLogThanTheWarningAllowsIsSaid() throws Exception {
        CdcRelay.Settings usual = settings(postgres, kafka, prefix, slot);
        CdcRelay relay = relay(new CdcRelay.Settings(
                usual.database(),
                usual.bootstrapServers(),
                usual.kafka(),
                new RelayConfig(slot, Duration.ofMinutes(5), 1024),
                usual.leadershipCheckInterval()));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(relay::isStreaming);

        // Writes to other tables grow the WAL; with heartbeats minutes apart the slot confirms nothing newer.
        TestData data = new TestData(postgres.dataSource());
        for (int i = 0; i < 50; i++) {
            data.user().insert();
        }

        Awaitility.await("the lag warning")
                .atMost(Duration.ofSeconds(30))
                .until(() -> relay.slotLagWarning().isPresent());
        assertThat(relay.slotLagWarning().orElseThrow())
                .contains("the replication slot " + slot + " holds back")
                .contains("more than --relay-slot-lag-warning (1 KiB)");
        assertThat(warnings())
                .singleElement()
                .asString()
                .contains("holds back")
                .contains("a slot no relay reads should be dropped");
        assertThat(relay.isStreaming()).as("a warning, not a failure").isTrue();
    }

    private CdcRelay relay() {
        return relay(settings(postgres, kafka, prefix, slot));
    }

    private CdcRelay relay(CdcRelay.Settings settings) {
        CdcRelay relay = new CdcRelay(settings, publisher, new MetricRegistry(), Clock.systemUTC());
        opened.add(relay);
        relay.start();
        return relay;
    }

    private List<String> warnings() {
        return log.list.stream()
                .filter(event -> event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }
}
