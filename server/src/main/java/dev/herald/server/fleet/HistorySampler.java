package dev.herald.server.fleet;

import dev.herald.db.AdvisoryLock;
import dev.herald.db.DatabaseUrl;
import dev.herald.lifecycle.LeaderLoop;
import dev.herald.model.NotificationMethod;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the fleet's history, one row per minute and method, from one replica of the deployment at a time (an
 * advisory lock; any process can hold it). Each turn records the minutes that ended since the last recorded one:
 * what finished in them from the messages table, and, for the newest minute, the queue depth and consumer lag seen
 * now. After a gap (a fresh deployment, every process stopped) it fills in up to a day of what finished, an hour's
 * range per query.
 */
public final class HistorySampler implements AutoCloseable {

    /** How often the leader looks for ended minutes; each minute is still recorded once. */
    public static final Duration INTERVAL = Duration.ofSeconds(15);

    /**
     * A minute is recorded this long after it ends, so that dispatchers' buffered write-backs for it have landed
     * (their sync interval is far shorter).
     */
    static final Duration SETTLE = Duration.ofSeconds(10);

    /** How far back a gap is filled in. */
    static final Duration CATCH_UP = Duration.ofHours(24);

    private static final Duration CHUNK = Duration.ofHours(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(HistorySampler.class);

    private final FleetHistory history;
    private final Supplier<ConsumerGroups> groupsFactory;
    private final Duration retention;
    private final Clock clock;
    private final LeaderLoop loop;
    private ConsumerGroups groups;

    /**
     * @param groupsFactory opens the Kafka admin client for consumer lag; called when this replica starts leading and
     *     closed when it stops
     * @param retention how long history is kept: the messages' retention
     */
    public HistorySampler(
            DatabaseUrl database,
            String topicPrefix,
            FleetHistory history,
            Supplier<ConsumerGroups> groupsFactory,
            Duration retention,
            Clock clock) {
        this.history = history;
        this.groupsFactory = groupsFactory;
        this.retention = retention;
        this.clock = clock;
        this.loop = new LeaderLoop(
                new LeaderLoop.Settings("fleet history sampler", "record the fleet's history", INTERVAL, MAX_BACKOFF),
                new AdvisoryLock(database, "herald-fleet-history:" + topicPrefix, "herald-fleet-history"),
                new LeaderLoop.Work() {
                    @Override
                    public void turn() throws SQLException {
                        sample();
                    }

                    @Override
                    public void stepDown() {
                        closeGroups();
                    }
                },
                clock);
    }

    public void start() {
        loop.start();
    }

    /** True while this replica is the one recording. */
    public boolean active() {
        return loop.leading();
    }

    /**
     * Records every minute that ended (and settled) since the newest recorded one; returns how many minutes were
     * recorded. Callers make sure one replica runs it at a time (the loop holds the lock; tests call it directly).
     */
    public int sample() throws SQLException {
        Instant now = clock.instant();
        Instant end = now.minus(SETTLE).truncatedTo(ChronoUnit.MINUTES);
        Instant earliest = end.minus(CATCH_UP);
        Instant start = history.lastMinute()
                .map(last -> last.plus(Duration.ofMinutes(1)))
                .filter(next -> next.isAfter(earliest))
                .orElse(earliest);
        int recorded = 0;
        for (Instant from = start; from.isBefore(end); from = min(from.plus(CHUNK), end)) {
            Instant to = min(from.plus(CHUNK), end);
            List<FleetHistory.Minute> minutes = history.finished(from, to);
            if (!to.isBefore(end)) {
                minutes = withObserved(minutes, end.minus(Duration.ofMinutes(1)));
            }
            history.record(minutes);
            recorded += (int) Duration.between(from, to).toMinutes();
        }
        history.forget(now.minus(retention));
        return recorded;
    }

    @Override
    public void close() {
        loop.close();
        closeGroups();
    }

    /** The newest minute gets what can only be seen now: queue depth, and consumer lag when Kafka answers. */
    private List<FleetHistory.Minute> withObserved(List<FleetHistory.Minute> minutes, Instant newest)
            throws SQLException {
        Map<NotificationMethod, Integer> depth = history.queueDepth();
        Map<NotificationMethod, Long> lag = consumerLag();
        List<FleetHistory.Minute> observed = new ArrayList<>(minutes.size());
        for (FleetHistory.Minute minute : minutes) {
            if (minute.minute().equals(newest)) {
                NotificationMethod method = NotificationMethod.fromSql(minute.method());
                observed.add(minute.observed(depth.get(method), lag.get(method)));
            } else {
                observed.add(minute);
            }
        }
        return observed;
    }

    private Map<NotificationMethod, Long> consumerLag() {
        Map<NotificationMethod, Long> lag = new EnumMap<>(NotificationMethod.class);
        try {
            if (groups == null) {
                groups = groupsFactory.get();
            }
            for (ConsumerGroups.Group group : groups.describe()) {
                lag.put(NotificationMethod.fromSql(group.method()), group.lag());
            }
        } catch (ConsumerGroups.FleetUnavailable e) {
            // Recorded as unknown: the chart shows a gap where the broker did not answer.
            log.debug("fleet history sampler could not read consumer lag: {}", e.getMessage());
        }
        return lag;
    }

    private void closeGroups() {
        if (groups != null) {
            groups.close();
            groups = null;
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
