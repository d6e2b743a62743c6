package dev.herald.scheduler;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.HeraldConfig;
import dev.herald.config.KafkaConfig;
import dev.herald.db.AdvisoryLock;
import dev.herald.db.DatabaseUrl;
import dev.herald.lifecycle.LeaderLoop;
import dev.herald.model.NotificationMethod;
import dev.herald.token.TokenPublisher;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
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
            KafkaConfig kafka,
            DatabaseUrl database,
            Duration fetchInterval,
            Duration grace,
            int batchSize,
            int maxSendAttempts,
            Duration retention) {

        public static Settings from(HeraldConfig config, DatabaseUrl database) {
            return new Settings(
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

    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final Settings settings;
    private final RecoveryStore store;
    private final MetricRegistry registry;
    private final Clock clock;
    private final TokenPublisher publisher;
    private final LeaderLoop loop;
    private final AtomicReference<Pass> lastPass = new AtomicReference<>();
    private final Map<NotificationMethod, AtomicReference<RecoveryStore.QueueAge>> queueAges =
            new EnumMap<>(NotificationMethod.class);

    public Reconciler(
            Settings settings, DataSource dataSource, TokenPublisher publisher, MetricRegistry registry, Clock clock) {
        this.settings = settings;
        this.store = new RecoveryStore(dataSource);
        this.publisher = publisher;
        this.clock = clock;
        this.registry = registry;
        AdvisoryLock lock = new AdvisoryLock(
                settings.database(), "herald-reconciler:" + settings.kafka().topicPrefix(), "herald-reconciler");
        this.loop = new LeaderLoop(
                new LeaderLoop.Settings("notifications reconciler", "reconcile", settings.fetchInterval(), MAX_BACKOFF),
                lock,
                this::runOnce,
                clock);
        registry.gauge("herald_reconciler_active", () -> () -> loop.leading() ? 1 : 0);
        for (NotificationMethod method : NotificationMethod.values()) {
            AtomicReference<RecoveryStore.QueueAge> age =
                    new AtomicReference<>(new RecoveryStore.QueueAge(Duration.ZERO, Duration.ZERO));
            queueAges.put(method, age);
            // Only the active replica's view is current; a standby reports 0 so that max() over replicas is right.
            registry.gauge(
                    "herald_notifications_oldest_pending_seconds." + method.sqlName(),
                    () -> () -> loop.leading() ? age.get().oldestPending().toMillis() / 1000.0 : 0.0);
            registry.gauge(
                    "herald_notifications_oldest_overdue_retry_seconds." + method.sqlName(),
                    () -> () -> loop.leading() ? age.get().oldestOverdueRetry().toMillis() / 1000.0 : 0.0);
        }
    }

    public void start() {
        if (!loop.stopping()) {
            loop.start();
            log.info(
                    "notifications reconciler started (every {}, grace {}, batches of {}, retention {})",
                    dev.herald.config.GoDuration.format(settings.fetchInterval()),
                    dev.herald.config.GoDuration.format(settings.grace()),
                    settings.batchSize(),
                    dev.herald.config.GoDuration.format(settings.retention()));
        }
    }

    /** A finished pass: when it ended and what it did. */
    public record Pass(Instant finishedAt, Report report) {}

    /** This replica's last pass; empty until its first one finishes. */
    public Optional<Pass> lastPass() {
        return Optional.ofNullable(lastPass.get());
    }

    /** True while this replica holds the lock and does the work. */
    public boolean active() {
        return loop.leading();
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
        for (Map.Entry<NotificationMethod, AtomicReference<RecoveryStore.QueueAge>> age : queueAges.entrySet()) {
            age.getValue().set(store.queueAge(age.getKey(), now));
        }
        Report report = new Report(redriven, gaveUp, purged);
        lastPass.set(new Pass(clock.instant(), report));
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
        loop.close();
        log.info("notifications reconciler stopped");
    }

    private int redrive(Stall stall, Instant now) throws SQLException {
        int total = 0;
        RecoveryStore.Cursor cursor = RecoveryStore.Cursor.START;
        while (stillWanted()) {
            RecoveryStore.Claimed batch = store.claimStalled(
                    stall, now, settings.grace(), settings.maxSendAttempts(), cursor, settings.batchSize());
            total += publisher.publishAndWait(batch.tokens(), PUBLISH_TIMEOUT);
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

    /** Between batches, a closing reconciler stops; a test calling runOnce directly always finishes. */
    private boolean stillWanted() {
        return !loop.stopping();
    }
}
