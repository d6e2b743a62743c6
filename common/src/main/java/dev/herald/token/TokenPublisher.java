package dev.herald.token;

import dev.herald.config.KafkaConfig;
import dev.herald.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Herald writes work tokens to Kafka: the relay, the dispatchers' retries, the reconciler and the API's
 * re-drive all publish through it. Keyed by message id, so every token of one message lands in one partition;
 * idempotent with {@code acks=all}, so a token counts as published only once every in-sync replica has it.
 * Thread-safe: one instance serves every role of a process.
 */
public final class TokenPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TokenPublisher.class);

    private final String bootstrapServers;
    private final KafkaConfig kafka;
    private final TopicNames topics;
    private final TokenCodec codec = new TokenCodec();
    private final KafkaProducer<String, byte[]> producer;
    private volatile boolean topicsEnsured;

    /**
     * @param clientId how the broker's logs and quotas name this producer
     */
    public TokenPublisher(String bootstrapServers, KafkaConfig kafka, String clientId) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.topics = new TopicNames(kafka.topicPrefix());
        Map<String, Object> properties = KafkaClients.baseProperties(bootstrapServers, kafka);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
    }

    public TopicNames topics() {
        return topics;
    }

    /** Creates the work and retry topics with the configured size when missing; later calls do nothing. */
    public synchronized void ensureTopics() {
        if (topicsEnsured) {
            return;
        }
        List<NewTopic> wanted = new ArrayList<>();
        for (String name : topics.workTopics()) {
            wanted.add(new NewTopic(name, kafka.topicPartitions(), (short) kafka.topicReplicationFactor()));
        }
        try (Admin admin = Admin.create(KafkaClients.baseProperties(bootstrapServers, kafka))) {
            admin.createTopics(wanted).values().forEach(TokenPublisher::awaitCreated);
        }
        topicsEnsured = true;
    }

    /** An existing topic is left as it is: the operator may have sized it differently on purpose. */
    private static void awaitCreated(String name, org.apache.kafka.common.KafkaFuture<Void> creation) {
        try {
            creation.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /** Sends a token to the work topic of its method; completes when Kafka acknowledged it. */
    public CompletableFuture<RecordMetadata> publish(WorkToken token) {
        return send(topics.forMethod(token.method()), token);
    }

    /** Sends a retry token to the retry topic, where the scheduler holds it until {@link WorkToken#notBefore()}. */
    public CompletableFuture<RecordMetadata> scheduleRetry(WorkToken token) {
        return send(topics.retry(), token);
    }

    /**
     * Publishes every token and waits up to {@code timeout} for Kafka's acknowledgements. A token that is not
     * acknowledged is not retried here: callers publish for rows of the table, which the reconciler re-drives.
     *
     * @return how many Kafka acknowledged
     */
    public int publishAndWait(Collection<WorkToken> tokens, Duration timeout) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>(tokens.size());
        // No flush(): it would wait for every record of this shared producer, past the caller's timeout.
        tokens.forEach(token -> sends.add(publish(token)));
        long deadline = System.nanoTime() + timeout.toNanos();
        int acknowledged = 0;
        Throwable firstFailure = null;
        for (CompletableFuture<RecordMetadata> send : sends) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                acknowledged++;
            } catch (ExecutionException e) {
                firstFailure = firstFailure == null ? e.getCause() : firstFailure;
            } catch (TimeoutException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (firstFailure != null) {
            log.warn(
                    "Kafka did not acknowledge {} of {} notifications work token(s) in time; their rows are"
                            + " re-driven by the reconciler: {}",
                    tokens.size() - acknowledged,
                    tokens.size(),
                    firstFailure.toString());
        }
        return acknowledged;
    }

    /** Sends whatever is still buffered and closes the producer, waiting at most a few seconds. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    private CompletableFuture<RecordMetadata> send(String topic, WorkToken token) {
        CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
        try {
            producer.send(
                    new ProducerRecord<>(topic, token.messageId().toString(), codec.encode(token)),
                    (metadata, error) -> {
                        if (error == null) {
                            acknowledged.complete(metadata);
                        } else {
                            acknowledged.completeExceptionally(error);
                        }
                    });
        } catch (RuntimeException e) {
            // A closed producer or a full buffer past max.block.ms throws instead of failing the future.
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }
}
