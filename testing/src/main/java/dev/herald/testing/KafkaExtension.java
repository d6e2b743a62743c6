package dev.herald.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-process Kafka broker shared by every test class of a JVM. Classes isolate themselves by naming their
 * topics with {@link #uniquePrefix(String)}.
 */
public final class KafkaExtension implements BeforeAllCallback {

    private static KafkaBroker broker;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        // The root store closes the broker once the whole test plan is done. A JVM shutdown hook would race with
        // other hooks (the PostgreSQL server's), and a broker that fails during shutdown exits the JVM non-zero.
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(KafkaBroker.class, type -> new SharedBrokerStop(), SharedBrokerStop.class);
        shared();
    }

    /** Starts outside JUnit, for benchmarks; the caller ends the JVM with {@link #stopShared()}. */
    public KafkaExtension start() {
        shared();
        return this;
    }

    public static synchronized void stopShared() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    private static final class SharedBrokerStop implements AutoCloseable {
        @Override
        public void close() {
            stopShared();
        }
    }

    private static synchronized KafkaBroker shared() {
        if (broker == null) {
            broker = KafkaBroker.start(null);
        }
        return broker;
    }

    public String bootstrapServers() {
        return shared().bootstrapServers();
    }

    /** A topic prefix no other test class in this JVM uses. */
    public String uniquePrefix(String base) {
        return base + "-" + PREFIXES.incrementAndGet();
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create topic " + name, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A consumer in a fresh group that reads committed records from the beginning (aborted transactions hidden). */
    public KafkaConsumer<String, String> newConsumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Reads {@code topics} from the beginning until {@code expected} records arrived or {@code timeout} passed, and
     * returns what arrived; the caller asserts on the count.
     */
    public List<ConsumerRecord<String, String>> readRecords(Collection<String> topics, int expected, Duration timeout) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, String> consumer = newConsumer()) {
            consumer.subscribe(topics);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
