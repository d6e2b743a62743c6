package dev.herald.testsupport;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.dispatch.CoderMetrics;
import dev.herald.dispatch.DispatchLoop;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.PauseSwitch;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.dispatch.Sender;
import dev.herald.model.NotificationMethod;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.MessageStore;
import dev.herald.testing.KafkaExtension;
import dev.herald.testing.PostgresExtension;
import dev.herald.token.TokenCodec;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One dispatcher's loop over a test's real PostgreSQL and broker, with its own topics, the settings tests use and a
 * way to publish tokens and read retry tokens. The test builds the loop with the sender and clock it wants, then
 * starts it or steps it by hand.
 */
public final class DispatchLoopFixture implements AutoCloseable {

    /** The fixed retry interval of every loop this fixture builds. */
    public static final Duration RETRY_INTERVAL = Duration.ofMinutes(5);

    /** How often outcomes are written; a test with a settable clock moves it this far to make a write due. */
    public static final Duration STORE_SYNC_INTERVAL = Duration.ofMillis(100);

    private final PostgresExtension postgres;
    private final KafkaExtension kafka;
    private final NotificationMethod method;
    private final URI accessUrl;
    private final TopicNames topics;
    private final KafkaConfig kafkaConfig;
    private final TokenPublisher publisher;
    private final MetricRegistry registry = new MetricRegistry();
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final CoderMetrics coderMetrics = new CoderMetrics(prometheus);
    private final List<PauseSwitch> pauses = new ArrayList<>();
    private final List<DispatchLoop> loops = new ArrayList<>();

    /**
     * @param accessUrl the deployment's address, which rendered links start with
     */
    public DispatchLoopFixture(
            PostgresExtension postgres, KafkaExtension kafka, NotificationMethod method, String name, URI accessUrl) {
        this.postgres = postgres;
        this.accessUrl = accessUrl;
        this.kafka = kafka;
        this.method = method;
        this.topics = new TopicNames(kafka.uniquePrefix(name));
        this.kafkaConfig = new KafkaConfig(
                Optional.of(kafka.bootstrapServers()), topics.prefix(), 2, 1, Duration.ofMinutes(5), Map.of());
        this.publisher = new TokenPublisher(kafka.bootstrapServers(), kafkaConfig, "test-" + topics.prefix());
        publisher.ensureTopics();
    }

    /**
     * A loop that is not started yet, sending with {@code sender}; every loop of one fixture is a member of the same
     * consumer group.
     */
    public DispatchLoop loop(Sender sender, Duration dispatchTimeout, int maxSendAttempts, Clock clock) {
        PauseSwitch pause = new PauseSwitch(postgres.dataSource(), Duration.ofMillis(500), clock);
        DispatchLoop loop = new DispatchLoop(
                new DispatchSettings(
                        method,
                        "test-" + topics.prefix(),
                        dispatchTimeout,
                        Duration.ofMinutes(2),
                        maxSendAttempts,
                        20,
                        STORE_SYNC_INTERVAL,
                        50,
                        8,
                        Duration.ofMinutes(5),
                        "test-" + topics.prefix()),
                new DispatchLoop.Wiring(
                        kafka.bootstrapServers(),
                        kafkaConfig,
                        new MessageStore(postgres.dataSource()),
                        sender,
                        new TemplateRenderer(accessUrl),
                        pause,
                        RetryPolicy.fixed(RETRY_INTERVAL, Duration.ofHours(1)),
                        publisher,
                        registry,
                        coderMetrics,
                        clock));
        pauses.add(pause);
        loops.add(loop);
        return loop;
    }

    public TopicNames topics() {
        return topics;
    }

    public MetricRegistry registry() {
        return registry;
    }

    /** The value of one series of Coder's metrics (a counter by its name without {@code _total}), 0 when absent. */
    public double coderMetric(String name, String... labelNamesAndValues) {
        Labels labels = Labels.of(labelNamesAndValues);
        for (MetricSnapshot family : prometheus.scrape()) {
            if (!family.getMetadata().getPrometheusName().equals(name)) {
                continue;
            }
            for (DataPointSnapshot point : family.getDataPoints()) {
                if (point.getLabels().equals(labels)) {
                    return switch (point) {
                        case CounterSnapshot.CounterDataPointSnapshot counter -> counter.getValue();
                        case GaugeSnapshot.GaugeDataPointSnapshot gauge -> gauge.getValue();
                        case UnknownSnapshot.UnknownDataPointSnapshot unknown -> unknown.getValue();
                        case HistogramSnapshot.HistogramDataPointSnapshot histogram -> histogram.getCount();
                        default -> throw new IllegalArgumentException(name + " has no single value");
                    };
                }
            }
        }
        return 0;
    }

    /** Publishes a work token for each message, as the relay would, and waits for Kafka to take them. */
    public void publish(List<UUID> ids) {
        List<WorkToken> tokens = ids.stream()
                .map(id -> new WorkToken(id, method, null, null, Instant.now(), 0))
                .toList();
        if (publisher.publishAndWait(tokens, Duration.ofSeconds(30)) != tokens.size()) {
            throw new IllegalStateException("Kafka did not take every token");
        }
    }

    /** Whether the pause switch of the loop built last has seen the deployment paused. */
    public boolean paused() {
        return pauses.getLast().paused();
    }

    /** The retry tokens written so far, read until {@code expected} arrived or 20 s passed. */
    public List<WorkToken> retryTokens(int expected) {
        TokenCodec codec = new TokenCodec();
        return kafka.readRecords(List.of(topics.retry()), expected, Duration.ofSeconds(20)).stream()
                .map(record -> codec.decode(record.value().getBytes(StandardCharsets.UTF_8)))
                .toList();
    }

    /** Stops every loop it built (each flushes what it holds), then the publisher. */
    @Override
    public void close() {
        loops.forEach(DispatchLoop::close);
        pauses.forEach(PauseSwitch::close);
        loops.clear();
        pauses.clear();
        publisher.close();
    }
}
