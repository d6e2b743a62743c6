package dev.herald.producer.relay;

import com.codahale.metrics.MetricRegistry;
import dev.herald.config.KafkaConfig;
import dev.herald.config.RelayConfig;
import dev.herald.db.AdvisoryLock;
import dev.herald.db.DatabaseUrl;
import dev.herald.kafka.KafkaClients;
import dev.herald.lifecycle.LeaderLoop;
import dev.herald.model.NotificationMethod;
import dev.herald.token.TokenPublisher;
import dev.herald.token.TopicNames;
import dev.herald.token.WorkToken;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams every committed INSERT into {@code notification_messages} to the Kafka topic of its method, as a work
 * token. Any number of replicas may run; the one holding the advisory lock streams, the others wait and take over
 * when it dies. Delivery to Kafka is at least once: a change is marked processed only after Kafka acknowledged its
 * token, and the position is kept in a Kafka topic, so a restarted relay resumes where the last one stopped.
 */
public final class CdcRelay implements AutoCloseable {

    /** The publication the migrations create; the relay never creates or alters one. */
    public static final String PUBLICATION = "herald_notification_messages";

    private static final Logger log = LoggerFactory.getLogger(CdcRelay.class);
    private static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(60);

    /** Where the relay reads and writes, and how often it checks that it is still the leader. */
    public record Settings(
            DatabaseUrl database,
            String bootstrapServers,
            KafkaConfig kafka,
            RelayConfig relay,
            Duration leadershipCheckInterval) {}

    private final Settings settings;
    private final TokenPublisher publisher;
    private final Clock clock;
    private final RelayMetrics metrics;
    private final TopicNames topics;
    private final LeaderLoop leadership;
    private final ExecutorService engineExecutor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("herald-relay-engine").daemon().factory());

    private final CdcPreflight preflight;
    private final RelayPositions positions;

    private volatile boolean streaming;
    private volatile State reportedState = State.WAITING;
    private volatile long stateSinceMillis;
    private volatile String streamProblem;
    private volatile String slotLagWarning;
    private volatile long slotLagBytes = -1;
    private volatile Instant lastRelayedAt;
    private volatile ChangeStreamStopped engineFailure;
    private volatile boolean stoppingEngine;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private Future<?> engineRun;

    /** Where the relay stands, as /readyz and the metrics tell it. */
    public enum State {
        /** Not the active relay yet: the lock could not be asked for (the database is unreachable). */
        WAITING,
        /** Another replica holds the lock and streams; this one takes over if it dies. */
        STANDBY,
        /** The active relay, starting the change stream. */
        STARTING,
        /** The active relay, and PostgreSQL reports its slot active. */
        STREAMING,
        /** The active relay, whose change stream failed; it restarts after a growing pause. */
        RESTARTING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CdcRelay(Settings settings, TokenPublisher publisher, MetricRegistry registry, Clock clock) {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
        this.metrics = new RelayMetrics(registry);
        this.topics = new TopicNames(settings.kafka().topicPrefix());
        this.preflight = new CdcPreflight(settings.relay().slotName(), PUBLICATION);
        this.positions = new RelayPositions(settings.bootstrapServers(), settings.kafka(), topics.relayOffsets());
        this.stateSinceMillis = clock.millis();
        this.leadership = new LeaderLoop(
                new LeaderLoop.Settings(
                        "notifications relay",
                        "stream changes",
                        settings.leadershipCheckInterval(),
                        MAX_RESTART_BACKOFF),
                new AdvisoryLock(
                        settings.database(), "herald-relay:" + settings.relay().slotName(), "herald-relay-leadership"),
                new ChangeStream(),
                clock);
        metrics.follow(this::state, () -> (clock.millis() - stateSinceMillis) / 1000);
    }

    public synchronized void start() {
        leadership.start();
        log.info(
                "notifications relay started for slot {}; waiting to become the active relay",
                settings.relay().slotName());
    }

    /** True while this replica holds the lock. */
    public boolean isLeader() {
        return leadership.leading();
    }

    /** True when this replica asked for the lock and another replica holds it: a healthy standby. */
    public boolean isStandby() {
        return leadership.standby();
    }

    /** Ready: this replica is the leader and PostgreSQL reports its replication slot active. */
    public boolean isStreaming() {
        return leadership.leading() && streaming;
    }

    /** Where the relay stands now. */
    public State state() {
        State now;
        if (!leadership.leading()) {
            now = leadership.standby() ? State.STANDBY : State.WAITING;
        } else if (streaming) {
            now = State.STREAMING;
        } else if (streamProblem != null || leadership.lastFailure().isPresent()) {
            now = State.RESTARTING;
        } else {
            now = State.STARTING;
        }
        if (now != reportedState) {
            reportedState = now;
            stateSinceMillis = clock.millis();
        }
        return now;
    }

    /** Why the relay is not streaming, in words that give the fix when it is known; empty while all is well. */
    public Optional<String> problem() {
        if (streaming) {
            return Optional.empty();
        }
        return leadership.lastFailure().or(() -> Optional.ofNullable(streamProblem));
    }

    /**
     * What the fleet view shows of this replica's relay.
     *
     * @param slotLagBytes the write-ahead log the slot holds back, as last observed by this replica; -1 when unknown
     * @param lastRelayedAt when this replica last published a token; null when it has not yet
     */
    public record Details(String state, String slot, long slotLagBytes, Instant lastRelayedAt) {}

    public Details details() {
        return new Details(state().label(), settings.relay().slotName(), slotLagBytes, lastRelayedAt);
    }

    /** Set while the slot holds back more WAL than --relay-slot-lag-warning allows. */
    public Optional<String> slotLagWarning() {
        return Optional.ofNullable(slotLagWarning);
    }

    /** Tokens this replica published for {@code method}, since it started. */
    public long relayedCount(NotificationMethod method) {
        return metrics.relayedCount(method);
    }

    /** Stops streaming, flushing the position of everything Kafka acknowledged, and gives up the lock. */
    @Override
    public void close() {
        leadership.close();
        engineExecutor.shutdownNow();
        log.info("notifications relay stopped");
    }

    /** The relay's turn while it leads: (re)start the change stream when it is not running, and watch the slot. */
    private final class ChangeStream implements LeaderLoop.Work {

        @Override
        public void lead() {
            metrics.leader(true);
            log.info(
                    "notifications relay is now the active relay for slot {}",
                    settings.relay().slotName());
        }

        @Override
        public void turn() throws SQLException {
            ChangeStreamStopped failure = engineFailure;
            if (failure != null) {
                engineFailure = null;
                stopEngine();
                metrics.restarted();
                if (failure.positionLost()) {
                    healLostPosition(failure);
                } else {
                    streamProblem = failure.getMessage();
                    // The leader loop logs it once and waits longer before the next turn starts the stream again.
                    throw failure;
                }
            }
            if (engine == null) {
                List<CdcPreflight.Problem> problems = preflight.check(leadership.session());
                if (!problems.isEmpty()) {
                    throw new CdcSetupException(problems);
                }
                startEngine();
            }
            observeSlot();
        }

        @Override
        public String fixFor(Throwable failure) {
            return failure instanceof CdcSetupException setup ? setup.fixes() : "";
        }

        @Override
        public void stepDown() {
            stopEngine();
            metrics.leader(false);
        }
    }

    /** The change stream ended without being asked to; the next turn restarts it. */
    static final class ChangeStreamStopped extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ChangeStreamStopped(String message, Throwable cause) {
            super(message, cause);
        }

        /** The server no longer has the position the stream asked to resume from. */
        boolean positionLost() {
            for (Throwable cause = this; cause != null; cause = cause.getCause()) {
                String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (message.contains("no longer available on the server") || message.contains("reset the offset")) {
                    return true;
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
            return false;
        }
    }

    /** PostgreSQL lacks something the change stream needs; the message names it and {@link #fixes()} the fix. */
    static final class CdcSetupException extends IllegalStateException {

        private static final long serialVersionUID = 1L;

        private final transient List<CdcPreflight.Problem> problems;

        CdcSetupException(List<CdcPreflight.Problem> problems) {
            super(String.join(
                    "; ", problems.stream().map(CdcPreflight.Problem::what).toList()));
            this.problems = List.copyOf(problems);
        }

        String fixes() {
            return String.join(
                    "; ", problems.stream().map(CdcPreflight.Problem::fix).toList());
        }
    }

    /**
     * The stored position is gone from the server: forget it, so that the stream starts from the slot's own position
     * (recreating the slot if it was dropped). Rows written in the gap were never streamed; they stay pending, and
     * the reconciler re-drives them once they are older than its grace period.
     */
    private void healLostPosition(ChangeStreamStopped failure) {
        List<String> forgotten = positions.forget(engineName());
        streamProblem = null;
        log.warn(
                "notifications relay: PostgreSQL no longer has the position the change stream was to resume from"
                        + " (the slot {} was dropped or recreated, the database restored, or a replica without the"
                        + " slot promoted); forgot the stored position {} and restarted from the slot's position{}."
                        + " Messages written in the gap stay pending until the reconciler re-drives them"
                        + " (after --reconciler-grace).",
                settings.relay().slotName(),
                forgotten.isEmpty() ? "(none was found)" : forgotten.getLast(),
                gap(forgotten));
        log.debug("notifications relay lost its position", failure);
    }

    /** How far the forgotten position lies behind the server's write-ahead log now, when both are known. */
    private String gap(List<String> forgotten) {
        if (forgotten.isEmpty()) {
            return "";
        }
        try {
            long lsn = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(forgotten.getLast())
                    .path("lsn")
                    .asLong(-1);
            if (lsn < 0) {
                return "";
            }
            String pgLsn = String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
            try (PreparedStatement statement = leadership
                    .session()
                    .prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)::bigint")) {
                statement.setString(1, pgLsn);
                try (ResultSet row = statement.executeQuery()) {
                    return row.next()
                            ? " (" + pgLsn + ", " + row.getLong(1) + " bytes of WAL behind the server now)"
                            : "";
                }
            }
        } catch (IOException | SQLException | RuntimeException e) {
            return "";
        }
    }

    /** Says once when the slot starts holding back too much WAL, and once when it is back under the limit. */
    private void watchSlotLag(long bytes) {
        long limit = settings.relay().slotLagWarningBytes();
        if (bytes > limit && slotLagWarning == null) {
            slotLagWarning = "the replication slot " + settings.relay().slotName() + " holds back " + size(bytes)
                    + " of write-ahead log, more than --relay-slot-lag-warning (" + size(limit) + ")";
            log.warn(
                    "notifications relay: {}; PostgreSQL keeps it until the relay confirms it. Fix: check that the relay"
                            + " keeps up (herald_relay_records_total, its log); a slot no relay reads should be dropped"
                            + " (README: Dropping or resetting the slot).",
                    slotLagWarning);
        } else if (bytes <= limit && slotLagWarning != null) {
            slotLagWarning = null;
            log.info("notifications relay: the replication slot's lag is back under --relay-slot-lag-warning");
        }
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        return bytes < 1 << 20 ? (bytes >> 10) + " KiB" : (bytes >> 20) + " MiB";
    }

    private String engineName() {
        return "herald-relay-" + settings.relay().slotName();
    }

    private synchronized void startEngine() {
        publisher.ensureTopics();
        stoppingEngine = false;
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(engineProperties())
                .using((success, message, error) -> {
                    streaming = false;
                    if (!stoppingEngine) {
                        engineFailure = new ChangeStreamStopped(
                                "the change stream stopped: " + (error == null ? message : error.getMessage()), error);
                    }
                })
                .notifying(this::handleBatch)
                .build();
        engineRun = engineExecutor.submit(engine);
    }

    /** Never throws: an engine that already failed refuses to close, and that must not keep it from restarting. */
    private synchronized void stopEngine() {
        streaming = false;
        if (engine != null) {
            stoppingEngine = true;
            try {
                engine.close();
                engineRun.get(30, TimeUnit.SECONDS);
            } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
                log.debug("notifications relay change stream did not stop cleanly", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            engine = null;
        }
    }

    /**
     * Publishes a batch and only then marks it processed, so that the stored position never passes a change whose
     * token Kafka has not acknowledged. A failed send fails the batch; the engine stops and restarts from the last
     * stored position, which replays rather than skips.
     */
    private void handleBatch(
            List<RecordChangeEvent<SourceRecord>> batch,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        List<Optional<WorkToken>> tokens = new ArrayList<>(batch.size());
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>(batch.size());
        for (RecordChangeEvent<SourceRecord> event : batch) {
            Optional<WorkToken> token = ChangeToToken.toToken(event.record());
            tokens.add(token);
            sends.add(token.map(publisher::publish).orElse(null));
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<RecordMetadata> send = sends.get(i);
            if (send != null) {
                try {
                    send.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("Kafka did not take a notifications work token", e.getCause());
                }
                WorkToken token = tokens.get(i).orElseThrow();
                Instant now = clock.instant();
                metrics.relayed(token.method(), Duration.between(token.createdAt(), now));
                lastRelayedAt = now;
            }
            committer.markProcessed(batch.get(i));
        }
        committer.markBatchFinished();
    }

    private void observeSlot() {
        try (PreparedStatement statement = leadership.session().prepareStatement("""
                SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
                FROM pg_replication_slots WHERE slot_name = ?
                """)) {
            statement.setString(1, settings.relay().slotName());
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    streaming = engine != null && engineFailure == null && row.getBoolean(1);
                    if (streaming) {
                        streamProblem = null;
                    }
                    slotLagBytes = row.getLong(2);
                    metrics.slotLagBytes(slotLagBytes);
                    watchSlotLag(row.getLong(2));
                } else {
                    streaming = false;
                }
            }
        } catch (SQLException e) {
            streaming = false;
        }
    }

    private Properties engineProperties() {
        DatabaseUrl database = settings.database();
        Properties properties = new Properties();
        properties.putAll(KafkaClients.QUIET_RECONNECTS);
        properties.putAll(settings.kafka().clientProperties());
        properties.setProperty("name", engineName());
        properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        properties.setProperty("database.hostname", database.host());
        properties.setProperty("database.port", String.valueOf(database.port()));
        properties.setProperty("database.user", database.user());
        properties.setProperty("database.password", database.password().reveal());
        properties.setProperty("database.dbname", database.database());
        Optional.ofNullable(database.parameters().get("sslmode"))
                .ifPresent(mode -> properties.setProperty("database.sslmode", mode));
        properties.setProperty("topic.prefix", "herald");
        properties.setProperty("plugin.name", "pgoutput");
        properties.setProperty("slot.name", settings.relay().slotName());
        properties.setProperty("publication.name", PUBLICATION);
        properties.setProperty("publication.autocreate.mode", "disabled");
        properties.setProperty("snapshot.mode", "no_data");
        properties.setProperty("table.include.list", "public.notification_messages");
        // Only the columns a work token carries. Debezium converts every column it includes (the payload's jsonb,
        // the targets array, five timestamps parsed from text) for each change; that conversion was a fifth of the
        // relay thread's samples in issue 14's profile, for values the relay then dropped.
        properties.setProperty("column.include.list", ChangeToToken.COLUMNS);
        properties.setProperty(
                "heartbeat.interval.ms",
                String.valueOf(settings.relay().heartbeatInterval().toMillis()));
        // Heartbeats alone do not move a slot whose tables are quiet: the relay must receive something to confirm.
        // A non-transactional logical message gives it that without writing to any table.
        properties.setProperty(
                "heartbeat.action.query",
                "SELECT pg_logical_emit_message(false, 'herald-relay-heartbeat', now()::text)");
        // The relay's leader loop owns restarts (growing backoff, one line per failure); Debezium's own unlimited
        // retries every 10 s would log a stack trace each time and hide the failure from it.
        properties.setProperty("errors.max.retries", "0");
        properties.setProperty("max.batch.size", "2048");
        // How long Debezium waits for changes when none are pending. The change stream is nearly all of a message's
        // latency, but every poll costs CPU even when idle. Measured with herald bench at 100 msg/s (median end to end,
        // and the idle process's CPU): 50 ms gave 197 ms and 0.13 cores, 25 ms 180 ms and 0.16, 10 ms 161 ms and 0.22.
        properties.setProperty("poll.interval.ms", "25");
        properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        properties.setProperty("offset.storage.topic", topics.relayOffsets());
        properties.setProperty("offset.storage.partitions", "1");
        properties.setProperty(
                "offset.storage.replication.factor",
                String.valueOf(settings.kafka().topicReplicationFactor()));
        properties.setProperty("offset.flush.interval.ms", "1000");
        properties.setProperty("bootstrap.servers", settings.bootstrapServers());
        return properties;
    }
}
