package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HeraldConfig;
import dev.herald.config.KafkaConfig;
import dev.herald.db.AdvisoryLock;
import dev.herald.db.DatabaseUrl;
import dev.herald.kafka.KafkaClients;
import dev.herald.store.RecoveryStore;
import dev.herald.store.Stall;
import dev.herald.token.TokenCodec;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL is the truth and tokens may be lost: every fetch interval, the one replica holding the reconciler lock
 * re-issues a work token for each row that should be moving and is not ({@link Stall}), gives up on rows whose
 * attempts are used up, and deletes rows past the retention period. All of it in bounded batches.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    public record Settings(
            String bootstrapServers,
            KafkaConfig kafka,
            DatabaseUrl database,
            Duration fetchInterval,
            Duration grace,
            int batchSize,
            int maxSendAttempts,
            Duration retention) {

        public static Settings from(HeraldConfig config, String bootstrapServers, DatabaseUrl database) {
            return new Settings(
                    bootstrapServers,
                    config.kafka(),
                    database,
                    config.notifications().fetchInterval(),
                    config.scheduler().reconcilerGrace(),
                    config.scheduler().reconcilerBatchSize(),
                    config.notifications().maxSendAttempts(),
                    config.notifications().retention());
        }
    }

    /** What one pass did. */
    public record Report(Map<Stall, Integer> redriven, int gaveUp, int purged) {
        public int redrivenTotal() {
            return redriven.values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean idle() {
            return redrivenTotal() == 0 && gaveUp == 0 && purged == 0;
        }
    }

    private final Settings settings;
    private final RecoveryStore store;
    private final Clock clock;
    private final MetricRegistry registry;
    private final TopicNames topics;
    private final TokenCodec codec = new TokenCodec();
    private final KafkaProducer<String, byte[]> producer;
    private final AdvisoryLock lock;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean active;

    public Reconciler(Settings settings, DataSource dataSource, MetricRegistry registry, Clock clock) {
        this.settings = settings;
        this.store = new RecoveryStore(dataSource);
        this.clock = clock;
        this.registry = registry;
        this.topics = new TopicNames(settings.kafka().topicPrefix());
        this.producer =
                new KafkaProducer<>(producerProperties(settings), new StringSerializer(), new ByteArraySerializer());
        this.lock = new AdvisoryLock(
                settings.database(), "herald-reconciler:" + settings.kafka().topicPrefix(), "herald-reconciler");
        this.thread = Thread.ofPlatform().name("herald-reconciler").daemon().unstarted(this::loop);
        registry.gauge("herald_reconciler_active", () -> () -> active ? 1 : 0);
    }

    public void start() {
        if (running.compareAndSet(false, true)) {
            thread.start();
            log.info(
                    "notifications reconciler started (every {}, grace {}, batches of {}, retention {})",
                    dev.herald.config.GoDuration.format(settings.fetchInterval()),
                    dev.herald.config.GoDuration.format(settings.grace()),
                    settings.batchSize(),
                    dev.herald.config.GoDuration.format(settings.retention()));
        }
    }

    /** True while this replica holds the lock and does the work. */
    public boolean active() {
        return active;
    }

    /**
     * One full pass: re-drive every stalled row, give up on exhausted ones, purge old ones. Callers make sure only one
     * replica runs it at a time (the background loop holds the lock; tests call it directly).
     */
    public Report runOnce() throws SQLException {
        Instant now = clock.instant();
        Map<Stall, Integer> redriven = new EnumMap<>(Stall.class);
        int gaveUp = 0;
        for (Stall stall : Stall.values()) {
            gaveUp += giveUp(stall, now);
            redriven.put(stall, redrive(stall, now));
        }
        int purged = purge(now.minus(settings.retention()));
        Report report = new Report(redriven, gaveUp, purged);
        if (!report.idle()) {
            log.info(
                    "notifications reconciler re-drove {} message(s) (pending {}, retry overdue {}, lease expired"
                            + " {}), gave up on {}, deleted {} past retention",
                    report.redrivenTotal(),
                    redriven.get(Stall.PENDING),
                    redriven.get(Stall.RETRY_OVERDUE),
                    redriven.get(Stall.LEASE_EXPIRED),
                    gaveUp,
                    purged);
        }
        return report;
    }

    @Override
    public void close() {
        if (running.getAndSet(false)) {
            thread.interrupt();
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.close();
        active = false;
        producer.close(Duration.ofSeconds(5));
        log.info("notifications reconciler stopped");
    }

    private void loop() {
        while (running.get()) {
            try {
                boolean leads = lock.tryAcquire();
                if (leads != active) {
                    active = leads;
                    log.info(
                            leads
                                    ? "notifications reconciler is now the active reconciler"
                                    : "notifications reconciler lost its lock; another replica reconciles");
                }
                if (leads) {
                    runOnce();
                }
            } catch (SQLException | RuntimeException e) {
                log.warn("notifications reconciler pass failed; trying again next interval: {}", e.toString());
            }
            try {
                Thread.sleep(settings.fetchInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private int redrive(Stall stall, Instant now) throws SQLException {
        int total = 0;
        RecoveryStore.Cursor cursor = RecoveryStore.Cursor.START;
        while (stillWanted()) {
            RecoveryStore.Claimed batch = store.claimStalled(
                    stall, now, settings.grace(), settings.maxSendAttempts(), cursor, settings.batchSize());
            total += publish(batch.tokens());
            if (batch.tokens().size() < settings.batchSize()) {
                break;
            }
            cursor = batch.next();
        }
        registry.counter("herald_reconciler_redriven_total." + stall.label()).inc(total);
        return total;
    }

    private int giveUp(Stall stall, Instant now) throws SQLException {
        int total = 0;
        int batch;
        do {
            batch = store.giveUpExhausted(stall, now, settings.maxSendAttempts(), settings.batchSize());
            total += batch;
        } while (batch == settings.batchSize() && stillWanted());
        registry.counter("herald_reconciler_gave_up_total").inc(total);
        return total;
    }

    private int purge(Instant cutoff) throws SQLException {
        int total = 0;
        int batch;
        do {
            batch = store.purgeCreatedBefore(cutoff, settings.batchSize());
            total += batch;
        } while (batch == settings.batchSize() && stillWanted());
        registry.counter("herald_retention_deleted_total").inc(total);
        return total;
    }

    /**
     * Sends a batch of tokens and waits for Kafka to acknowledge them. A token that fails is not retried here: its row
     * is stamped as re-driven, so it is simply re-driven again on a later pass.
     */
    private int publish(List<WorkToken> tokens) {
        List<Future<RecordMetadata>> sends = new ArrayList<>(tokens.size());
        for (WorkToken token : tokens) {
            sends.add(producer.send(new ProducerRecord<>(
                    topics.forMethod(token.method()), token.messageId().toString(), codec.encode(token))));
        }
        producer.flush();
        int published = 0;
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
                published++;
            } catch (ExecutionException e) {
                log.warn(
                        "notifications reconciler could not publish a token: {}",
                        e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return published;
    }

    /** Between batches, a closing reconciler stops; a test calling runOnce directly always finishes. */
    private boolean stillWanted() {
        return running.get() || !thread.isAlive();
    }

    private static java.util.Map<String, Object> producerProperties(Settings settings) {
        java.util.Map<String, Object> properties =
                KafkaClients.baseProperties(settings.bootstrapServers(), settings.kafka());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "herald-reconciler");
        return properties;
    }
}
