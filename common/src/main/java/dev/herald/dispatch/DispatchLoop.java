package dev.herald.dispatch;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.kafka.KafkaClients;
import dev.herald.lifecycle.Backoff;
import dev.herald.lifecycle.FailureLog;
import dev.herald.render.TemplateRenderException;
import dev.herald.render.TemplateRenderer;
import dev.herald.store.LeaseResult;
import dev.herald.store.LeasedMessage;
import dev.herald.store.MessageStore;
import dev.herald.store.Outcome;
import dev.herald.token.MalformedTokenException;
import dev.herald.token.TokenCodec;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one dispatch loop both methods share: consume tokens, lease their rows, render, send with bounded concurrency,
 * write outcomes back in batches, and only then commit the offsets those outcomes cover. A crash at any point loses
 * nothing: uncommitted tokens are consumed again, and rows leased by the dead replica become claimable when the
 * lease expires.
 */
public final class DispatchLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    /** Where the loop connects and what it uses; everything it needs to run comes in here. */
    public record Wiring(
            String bootstrapServers,
            KafkaConfig kafka,
            MessageStore store,
            Sender sender,
            TemplateRenderer renderer,
            PauseSwitch pause,
            RetryPolicy retryPolicy,
            TokenPublisher publisher,
            MetricRegistry registry,
            CoderMetrics coderMetrics,
            Clock clock) {}

    /**
     * A send that finished, waiting for its outcome to be written; the records it covers finish with it. {@code message}
     * is null only for a row whose payload could not be read, whose outcome is a permanent failure.
     */
    private record Completed(LeasedMessage message, Outcome outcome, List<ConsumerRecord<String, byte[]>> records) {}

    private final DispatchSettings settings;
    private final Wiring wiring;
    private final TopicNames topics;
    private final TokenCodec codec = new TokenCodec();
    private final DeliveryFactory deliveries;
    private final OutcomePolicy outcomes;
    private final KafkaConsumer<String, byte[]> consumer;
    private final ExecutorService sends = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore inflight;
    private final ConcurrentLinkedQueue<Completed> completed = new ConcurrentLinkedQueue<>();
    private final List<Completed> toWrite = new ArrayList<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final UnseenTokens unseen = new UnseenTokens();
    private final DispatchMetrics metrics;
    private final Thread thread;
    private final Backoff backoff;
    private final FailureLog failures;

    private volatile boolean started;
    private volatile boolean stopping;
    private volatile boolean assigned;
    private volatile String lastFailure;
    private boolean closed;
    private boolean subscribed;
    private boolean consumerPaused;
    private Instant lastFlush;
    private Instant lastCommit = Instant.MIN;

    public DispatchLoop(DispatchSettings settings, Wiring wiring) {
        this.settings = settings;
        this.wiring = wiring;
        this.topics = new TopicNames(wiring.kafka().topicPrefix());
        this.deliveries = DeliveryFactory.forMethod(wiring.renderer(), settings.method());
        this.outcomes = new OutcomePolicy(settings.maxSendAttempts(), wiring.retryPolicy());
        this.inflight = new Semaphore(settings.maxInflightSends());
        this.metrics = new DispatchMetrics(
                wiring.registry(), wiring.coderMetrics(), settings.method(), () -> completed.size() + toWrite.size());
        this.consumer =
                new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = Thread.ofPlatform()
                .name("herald-dispatcher-" + settings.method().sqlName())
                .unstarted(this::run);
        this.backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF, Duration.ofMinutes(1));
        this.failures = new FailureLog(
                log, "notifications dispatcher for " + settings.method().sqlName(), Duration.ofMinutes(10));
        this.lastFlush = wiring.clock().instant();
    }

    /** Runs {@link #step()} on the loop's own thread until {@link #close()}. */
    public synchronized void start() {
        if (!started && !closed) {
            started = true;
            thread.start();
            log.info(
                    "notifications dispatcher for {} started (group {}, up to {} sends in flight)",
                    settings.method().sqlName(),
                    settings.consumerGroup(),
                    settings.maxInflightSends());
        }
    }

    /** Ready: the consumer has joined its group and owns at least one partition. */
    public boolean ready() {
        return !stopping && assigned;
    }

    /** Why the last turn failed, with what to check; empty once a turn succeeds. */
    public java.util.Optional<String> problem() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    /**
     * Stops polling, lets in-flight sends finish (each within the dispatch timeout), writes every outcome and commits
     * the offsets they cover. Bounded by the dispatch timeout plus a few seconds.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopping = true;
        if (started) {
            consumer.wakeup();
            try {
                thread.join(settings.dispatchTimeout().plusSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            // Driven by hand through step(): drain on the caller's thread, which owns the consumer.
            drainAndClose();
        }
        sends.shutdownNow();
        metrics.close();
        wiring.sender().close();
        log.info("notifications dispatcher for {} stopped", settings.method().sqlName());
    }

    /**
     * One turn of the loop: follow the pause switch, poll once, lease what arrived and start its sends, write the
     * outcomes that are due and commit the offsets they cover. {@link #start()} runs it on the loop's thread; tests
     * call it themselves, with a settable clock, instead of starting the loop.
     */
    public void step() throws SQLException {
        if (!subscribed) {
            consumer.subscribe(List.of(topics.forMethod(settings.method())), new Rebalance());
            subscribed = true;
        }
        followPauseSwitch();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        if (!records.isEmpty()) {
            dispatch(records);
        }
        retryUnseen();
        observeLag();
        flushWhenDue();
    }

    private void run() {
        try {
            while (!stopping) {
                try {
                    step();
                    backoff.healthy(wiring.clock().instant());
                    failures.healthy();
                    lastFailure = null;
                } catch (WakeupException e) {
                    // close() asked the loop to stop; the finally block drains.
                } catch (SQLException | RuntimeException e) {
                    Duration delay = backoff.failed(wiring.clock().instant());
                    lastFailure = "could not lease, record or commit: " + FailureLog.describe(e)
                            + " (check that PostgreSQL and Kafka are reachable); trying again in " + delay.toSeconds()
                            + " s";
                    failures.failed(
                            "lease, record or commit",
                            e,
                            "check that PostgreSQL and Kafka are reachable",
                            delay,
                            wiring.clock().instant());
                    waitBeforeRetrying(delay);
                }
            }
        } finally {
            drainAndClose();
        }
    }

    /** Paused partitions still heartbeat, so the group stays stable; in-flight sends finish on their own. */
    private void followPauseSwitch() {
        boolean paused = wiring.pause().paused();
        if (paused && !consumerPaused) {
            consumer.pause(consumer.assignment());
            consumerPaused = true;
        } else if (!paused && consumerPaused) {
            consumer.resume(consumer.paused());
            consumerPaused = false;
        }
    }

    private void dispatch(ConsumerRecords<String, byte[]> records) throws SQLException {
        Map<UUID, List<ConsumerRecord<String, byte[]>>> byMessage = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            offsets.track(partition, record.offset());
            try {
                WorkToken token = codec.decode(record.value());
                byMessage
                        .computeIfAbsent(token.messageId(), id -> new ArrayList<>())
                        .add(record);
            } catch (MalformedTokenException e) {
                log.warn(
                        "notifications dispatcher skipped a record at {}-{}@{}: {}",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
                offsets.done(partition, record.offset());
            }
        }
        LeaseResult lease;
        try {
            lease = lease(byMessage.keySet());
        } catch (SQLException e) {
            rewind(records);
            throw e;
        }
        start(byMessage, lease);
    }

    /**
     * Leases again, when a retry is due, the tokens whose rows the lease could not see before. Not while paused: the
     * pause switch stops sends, and a held token waits, its offset uncommitted, until the loop resumes.
     */
    private void retryUnseen() throws SQLException {
        if (consumerPaused) {
            return;
        }
        Instant now = wiring.clock().instant();
        Map<UUID, List<ConsumerRecord<String, byte[]>>> due = unseen.takeDue(now);
        if (due.isEmpty()) {
            return;
        }
        LeaseResult lease;
        try {
            lease = lease(due.keySet());
        } catch (SQLException e) {
            due.forEach((id, held) -> holdOrSpend(id, held, now));
            throw e;
        }
        start(due, lease);
    }

    private LeaseResult lease(Collection<UUID> ids) throws SQLException {
        return wiring.store().lease(ids, wiring.clock().instant(), settings.leasePeriod(), settings.maxSendAttempts());
    }

    /** Starts the sends of what was leased; settles, fails or holds every other token. */
    private void start(Map<UUID, List<ConsumerRecord<String, byte[]>>> byMessage, LeaseResult lease) {
        Map<UUID, LeasedMessage> leased = new HashMap<>();
        lease.leased().forEach(message -> leased.put(message.id(), message));
        if (!lease.inhibited().isEmpty()) {
            log.debug("notifications inhibited because the recipient opted out: {}", lease.inhibited());
        }
        Map<UUID, LeaseResult.Unreadable> unreadable = new HashMap<>();
        lease.unreadable().forEach(row -> unreadable.put(row.id(), row));
        Set<UUID> absent = new HashSet<>(lease.absent());
        Instant now = wiring.clock().instant();
        List<LeasedMessage> unsent = new ArrayList<>();
        for (Map.Entry<UUID, List<ConsumerRecord<String, byte[]>>> entry : byMessage.entrySet()) {
            UUID id = entry.getKey();
            if (absent.contains(id)) {
                holdOrSpend(id, entry.getValue(), now);
                continue;
            }
            unseen.settled(id);
            LeasedMessage message = leased.get(id);
            LeaseResult.Unreadable row = unreadable.get(id);
            if (row != null) {
                failUnreadable(row, entry.getValue());
            } else if (message == null) {
                // Sent already, someone else's live lease, inhibited, or attempts used up: the token is spent.
                entry.getValue().forEach(this::finished);
            } else if (!unsent.isEmpty() || !submit(message, entry.getValue())) {
                unsent.add(message);
            }
        }
        if (!unsent.isEmpty()) {
            releaseOnStop(unsent);
        }
    }

    private void holdOrSpend(UUID id, List<ConsumerRecord<String, byte[]>> records, Instant now) {
        List<ConsumerRecord<String, byte[]>> spent = unseen.hold(id, records, now);
        if (!spent.isEmpty()) {
            log.debug(
                    "notifications dispatcher for {} found no message {} for {}; its token is spent",
                    settings.method().sqlName(),
                    id,
                    UnseenTokens.GIVE_UP_AFTER);
            spent.forEach(this::finished);
        }
    }

    /**
     * A message whose payload cannot be read can never render: it fails at once, through the same write-back as a
     * sent one, so that its token is committed only after its state is.
     */
    private void failUnreadable(LeaseResult.Unreadable row, List<ConsumerRecord<String, byte[]>> records) {
        log.warn(
                "notifications dispatcher for {} marked message {} as a permanent failure: {}; fix the producer that"
                        + " wrote it (the enqueue functions write payloads Herald can read)",
                settings.method().sqlName(),
                row.id(),
                row.reason());
        metrics.attempt(row.templateId(), DispatchMetrics.Result.PERM_FAIL);
        completed.add(
                new Completed(null, new Outcome.PermanentFailure(row.id(), row.leasedUntil(), row.reason()), records));
    }

    /**
     * Stopping with leased messages not yet sent: give them back at once rather than let their leases run out. Their
     * tokens stay uncommitted, so whichever replica takes the partitions sends them.
     */
    private void releaseOnStop(List<LeasedMessage> unsent) {
        try {
            int released = wiring.store().release(unsent, wiring.clock().instant());
            log.info(
                    "notifications dispatcher for {} gave back {} leased message(s) it had not sent yet",
                    settings.method().sqlName(),
                    released);
        } catch (SQLException e) {
            log.warn(
                    "notifications dispatcher could not give back {} leased message(s); they are sent after their"
                            + " lease expires",
                    unsent.size(),
                    e);
        }
    }

    /** Starts the send when a slot frees up; false when the loop is stopping first (the message was not sent). */
    private boolean submit(LeasedMessage message, List<ConsumerRecord<String, byte[]>> records) {
        try {
            while (!inflight.tryAcquire(POLL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                if (stopping) {
                    return false;
                }
                // While every slot is busy, outcomes keep flowing to the database.
                flushWhenDue();
            }
        } catch (WakeupException e) {
            // close() woke the consumer during a commit: the loop is stopping.
            return false;
        } catch (InterruptedException | SQLException e) {
            throw new IllegalStateException("notifications dispatcher interrupted while waiting for a send slot", e);
        }
        if (stopping) {
            inflight.release();
            return false;
        }
        metrics.started(message.templateId(), message.attemptCount(), message.queuedSeconds());
        Instant started = wiring.clock().instant();
        deliver(message)
                .orTimeout(settings.dispatchTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> failure instanceof TimeoutException
                        ? new DeliveryResult.Retryable(
                                "no answer within the dispatch timeout of " + settings.dispatchTimeout())
                        : new DeliveryResult.Retryable(describe(failure)))
                .thenAccept(result -> {
                    metrics.finished(
                            message.templateId(),
                            Duration.between(started, wiring.clock().instant()));
                    completed.add(new Completed(message, outcome(message, result), records));
                    inflight.release();
                });
        return true;
    }

    /**
     * Renders on the loop's thread and starts the send. Rendering here rather than on the send's thread costs the loop
     * tens of microseconds a message, and saves a handoff to another thread and back for senders that do not block.
     */
    private CompletableFuture<DeliveryResult> deliver(LeasedMessage message) {
        Delivery delivery;
        try {
            delivery = deliveries.prepare(message);
        } catch (TemplateRenderException e) {
            return CompletableFuture.completedFuture(new DeliveryResult.Permanent(e.getMessage()));
        }
        try {
            return wiring.sender().sendAsync(delivery, sends);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new DeliveryResult.Retryable(describe(e)));
        }
    }

    /** The row's next state, counted in the metrics as Coder counts it. */
    private Outcome outcome(LeasedMessage message, DeliveryResult result) {
        Outcome outcome = outcomes.decide(message, result, wiring.clock().instant());
        switch (outcome) {
            case Outcome.Sent sent -> metrics.attempt(message.templateId(), DispatchMetrics.Result.SUCCESS);
            case Outcome.PermanentFailure failure ->
                metrics.attempt(message.templateId(), DispatchMetrics.Result.PERM_FAIL);
            case Outcome.TemporaryFailure failure ->
                metrics.attempt(message.templateId(), DispatchMetrics.Result.TEMP_FAIL);
        }
        return outcome;
    }

    private void flushWhenDue() throws SQLException {
        Completed next;
        while ((next = completed.poll()) != null) {
            toWrite.add(next);
        }
        Instant now = wiring.clock().instant();
        boolean due = toWrite.size() >= settings.storeSyncBufferSize()
                || (!toWrite.isEmpty() && !now.isBefore(lastFlush.plus(settings.storeSyncInterval())));
        if (due) {
            flush(now);
        } else if (toWrite.isEmpty()) {
            commitWhenDue(now);
        }
    }

    /** Writes outcomes, then sends retry tokens, then commits: the order that makes a crash harmless. */
    private void flush(Instant now) throws SQLException {
        List<Outcome> outcomes = toWrite.stream().map(Completed::outcome).toList();
        int written = wiring.store().record(outcomes, now);
        metrics.synced(written);
        for (Completed done : toWrite) {
            if (done.outcome() instanceof Outcome.TemporaryFailure failure) {
                publishRetry(done.message(), failure);
            }
            done.records().forEach(this::finished);
        }
        toWrite.clear();
        lastFlush = now;
        commitWhenDue(now);
    }

    private void publishRetry(LeasedMessage message, Outcome.TemporaryFailure failure) {
        WorkToken token = new WorkToken(
                message.id(),
                message.method(),
                message.templateId(),
                message.payload().userId(),
                message.createdAt(),
                message.attemptCount() + 1,
                failure.nextRetryAfter());
        // A lost retry token only delays the message: the reconciler re-drives overdue temporary failures.
        wiring.publisher().scheduleRetry(token).whenComplete((metadata, error) -> {
            if (error != null) {
                log.warn("notifications retry token for {} was not written: {}", message.id(), error.toString());
            }
        });
    }

    private void finished(ConsumerRecord<String, byte[]> record) {
        offsets.done(new TopicPartition(record.topic(), record.partition()), record.offset());
    }

    /**
     * Commits at most once per {@link #COMMIT_INTERVAL} while the loop runs. Offsets need not follow every write-back:
     * a token whose outcome is written but whose offset is not yet committed is only read again after a crash or a
     * rebalance, and its lease then finds the row finished. A commit per write-back was 8% of Herald's CPU in issue
     * 14's profile, most of it in the broker's group coordinator. Rebalances and stops still commit at once.
     */
    private void commitWhenDue(Instant now) {
        if (!now.isBefore(lastCommit.plus(COMMIT_INTERVAL))) {
            commit();
            lastCommit = now;
        }
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable();
        committable.keySet().retainAll(consumer.assignment());
        if (!committable.isEmpty()) {
            consumer.commitSync(committable);
            offsets.committed(committable);
        }
    }

    /** The lease failed (the database is unreachable): read these records again instead of skipping them. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            long first = records.records(partition).getFirst().offset();
            consumer.seek(partition, first);
        }
        offsets.forget(records.partitions());
    }

    private void observeLag() {
        metrics.assignment(consumer.assignment());
        for (TopicPartition partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(lag -> metrics.lag(partition, lag));
        }
    }

    private void drainAndClose() {
        try {
            if (inflight.tryAcquire(
                    settings.maxInflightSends(),
                    settings.dispatchTimeout().plusSeconds(5).toMillis(),
                    TimeUnit.MILLISECONDS)) {
                inflight.release(settings.maxInflightSends());
            }
            Completed next;
            while ((next = completed.poll()) != null) {
                toWrite.add(next);
            }
            if (!toWrite.isEmpty()) {
                flush(wiring.clock().instant());
            }
            commit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            log.warn(
                    "notifications dispatcher could not write its last outcomes; their leases will expire and"
                            + " the messages will be sent again",
                    e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> properties = KafkaClients.baseProperties(wiring.bootstrapServers(), wiring.kafka());
        properties.putAll(wiring.kafka().membership());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, settings.consumerGroup());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.leaseCount());
        properties.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int)
                settings.maxPollInterval().toMillis());
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, settings.clientId());
        return properties;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** Backs off after a failed turn, but a stop request ends the wait at once. */
    private void waitBeforeRetrying(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        try {
            while (!stopping && System.nanoTime() < deadline) {
                Thread.sleep(
                        Math.min(POLL_TIMEOUT.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keeps offsets and pausing right as partitions move between replicas. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                flushWhenDue();
                commit();
            } catch (SQLException | RuntimeException e) {
                log.warn("notifications dispatcher could not commit before a rebalance; tokens will be replayed", e);
            }
            offsets.forget(partitions);
            unseen.forget(partitions);
            // During revocation the assignment still lists the partitions being taken away.
            assigned = !partitions.containsAll(consumer.assignment());
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (consumerPaused) {
                consumer.pause(partitions);
            }
            assigned = true;
        }
    }
}
