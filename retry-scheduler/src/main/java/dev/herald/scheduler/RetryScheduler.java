package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.config.RetrySchedulerConfig;
import dev.herald.kafka.KafkaClients;
import dev.herald.lifecycle.FailureLog;
import dev.herald.model.NotificationMethod;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry scheduler role: a Kafka Streams application that reads retry tokens from {@code <prefix>.retry} and
 * republishes each to {@code <prefix>.<method>} when its retry time has come. Replicas with the same application id
 * share the timers by partition; exactly-once processing makes the Kafka-to-Kafka hop atomic.
 */
public final class RetryScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RetryScheduler.class);

    /**
     * @param checkInterval how often due timers are looked for; the upper bound of a retry's lateness
     * @param stateDirectory where the local copy of the timer store lives (rebuilt from Kafka when missing)
     */
    public record Settings(
            String bootstrapServers,
            KafkaConfig kafka,
            RetrySchedulerConfig scheduler,
            Duration checkInterval,
            Path stateDirectory) {}

    private final Settings settings;
    private final TokenPublisher topics;
    private final SchedulerMetrics metrics;
    private final KafkaStreams streams;
    private final FailureLog threadFailures =
            new FailureLog(log, "notifications retry scheduler", Duration.ofMinutes(10));

    /**
     * @param topics makes sure the topics the scheduler reads and writes exist (the scheduler's own forwarding is
     *     part of its Kafka Streams transaction, not a publisher's send)
     */
    public RetryScheduler(Settings settings, TokenPublisher topics, MetricRegistry registry, Clock clock) {
        this.settings = settings;
        this.topics = topics;
        this.metrics = new SchedulerMetrics(registry);
        this.streams = new KafkaStreams(topology(settings, clock, metrics), properties(settings));
        streams.setUncaughtExceptionHandler(failure -> {
            // A thread that keeps failing is replaced each time; the log says each distinct failure once.
            synchronized (threadFailures) {
                threadFailures.failed(
                        "keep a stream thread running (it is replaced)", failure, "", Duration.ZERO, clock.instant());
            }
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse
                    .REPLACE_THREAD;
        });
    }

    /** Creates the topics it reads and writes when missing, then joins the group. */
    public void start() {
        topics.ensureTopics();
        streams.start();
        log.info(
                "notifications retry scheduler started (application {}, {} stream thread(s), checks every {} ms)",
                settings.scheduler().applicationId(),
                settings.scheduler().streamThreads(),
                settings.checkInterval().toMillis());
    }

    /** Kafka Streams' state, in lower case: created, rebalancing, running, pending_error, error... */
    public String state() {
        return streams.state().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Ready: every stream thread is running with its partitions assigned and its timers restored. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * The retry timers this replica holds, as the fleet view shows them.
     *
     * @param pending timers waiting in this replica's partitions (counted exactly up to {@link #COUNT_LIMIT}, an
     *     estimate beyond)
     * @param exact false when {@code pending} is the store's estimate
     * @param nextDue when the earliest of them fires; null when none waits
     * @param partitions the retry topic's partitions this replica holds
     */
    public record Timers(long pending, boolean exact, Instant nextDue, List<Integer> partitions) {}

    /** Beyond this many timers the count is the store's estimate: counting walks the store. */
    static final int COUNT_LIMIT = 10_000;

    /** The timers of the partitions this replica holds now; none while it is not running. */
    public Timers timers() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new Timers(0, true, null, List.of());
        }
        long pending = 0;
        boolean exact = true;
        Instant nextDue = null;
        List<Integer> partitions = new ArrayList<>();
        try {
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                for (TaskMetadata task : thread.activeTasks()) {
                    for (TopicPartition partition : task.topicPartitions()) {
                        partitions.add(partition.partition());
                        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                                        RetryTimers.STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                                .withPartition(partition.partition()));
                        try (KeyValueIterator<Bytes, byte[]> timers = store.all()) {
                            if (timers.hasNext()) {
                                // Keys start with the due time, so a store's first key is its earliest timer.
                                Instant due = TimerKey.due(timers.peekNextKey().get());
                                nextDue = nextDue == null || due.isBefore(nextDue) ? due : nextDue;
                            }
                            long counted = 0;
                            while (timers.hasNext() && counted < COUNT_LIMIT) {
                                timers.next();
                                counted++;
                            }
                            if (timers.hasNext()) {
                                exact = false;
                                counted = Math.max(counted, store.approximateNumEntries());
                            }
                            pending += counted;
                        }
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            // Rebalancing between the state check and the query: the next heartbeat asks again.
            return new Timers(0, true, null, List.of());
        }
        partitions.sort(null);
        return new Timers(pending, exact, nextDue, partitions);
    }

    /** Commits what was forwarded and leaves the group; pending timers stay in the store for whoever takes over. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        log.info("notifications retry scheduler stopped");
    }

    static Topology topology(Settings settings, Clock clock, SchedulerMetrics metrics) {
        TopicNames topics = new TopicNames(settings.kafka().topicPrefix());
        Topology topology = new Topology();
        topology.addSource(
                "retry-tokens",
                Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(),
                topics.retry());
        topology.addProcessor(
                "timers", () -> new RetryTimers(clock, settings.checkInterval(), metrics), "retry-tokens");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(RetryTimers.STORE), Serdes.Bytes(), Serdes.ByteArray()),
                "timers");
        for (NotificationMethod method : NotificationMethod.values()) {
            topology.addSink(
                    RetryTimers.sinkFor(method),
                    topics.forMethod(method),
                    Serdes.String().serializer(),
                    Serdes.ByteArray().serializer(),
                    "timers");
        }
        return topology;
    }

    private static Properties properties(Settings settings) {
        Properties properties = new Properties();
        Map<String, Object> base = KafkaClients.baseProperties(settings.bootstrapServers(), settings.kafka());
        properties.putAll(base);
        settings.kafka()
                .membership()
                .forEach((name, value) -> properties.put(StreamsConfig.consumerPrefix(name), value));
        properties.put(
                StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.scheduler().standbyReplicas());
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.scheduler().applicationId());
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(
                StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.scheduler().streamThreads());
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, settings.kafka().topicReplicationFactor());
        properties.put(
                StreamsConfig.STATE_DIR_CONFIG,
                settings.stateDirectory().toAbsolutePath().toString());
        properties.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return properties;
    }
}
