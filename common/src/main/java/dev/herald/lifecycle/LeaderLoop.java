package dev.herald.lifecycle;

import dev.herald.db.AdvisoryLock;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Exactly one replica does this, and keeps doing it": takes the advisory lock when it is free, hands the work a turn
 * every {@code interval} while the lock is held, stands the work down when the lock's session is lost, and backs off
 * (doubling up to a cap, one log line per distinct failure) when a turn fails. The relay, the reconciler and the
 * fleet history sampler are its work; none decides on its own to spin.
 */
public final class LeaderLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaderLoop.class);
    private static final Duration QUIET_PERIOD = Duration.ofMinutes(10);
    private static final Duration HEALTHY_RESET = Duration.ofMinutes(1);

    /** What the leader does. Called only from the loop's thread (or a test's, through {@link #turn()}). */
    public interface Work {

        /** This replica just became the leader. */
        default void lead() throws Exception {}

        /** One turn while leading; a failure is logged and the next turn waits longer. */
        void turn() throws Exception;

        /** This replica is no longer the leader (the lock was lost, or the loop stops): stop what lead() started. */
        default void stepDown() {}

        /** What an operator can do about {@code failure}, or empty when nothing specific is known. */
        default String fixFor(Throwable failure) {
            return "";
        }
    }

    /**
     * @param name the loop as it is logged: "notifications relay"
     * @param action what a turn does, completing "{name} could not ...": "stream changes"
     * @param interval the pause between healthy turns, and the first backoff
     * @param maxBackoff the longest pause after repeated failures
     */
    public record Settings(String name, String action, Duration interval, Duration maxBackoff) {}

    private final Settings settings;
    private final AdvisoryLock lock;
    private final Work work;
    private final Clock clock;
    private final Backoff backoff;
    private final FailureLog failures;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile boolean leading;
    private volatile boolean standby;
    private volatile String lastFailure;

    public LeaderLoop(Settings settings, AdvisoryLock lock, Work work, Clock clock) {
        this.settings = settings;
        this.lock = lock;
        this.work = work;
        this.clock = clock;
        Duration maxBackoff =
                settings.maxBackoff().compareTo(settings.interval()) < 0 ? settings.interval() : settings.maxBackoff();
        this.backoff = new Backoff(settings.interval(), maxBackoff, HEALTHY_RESET);
        this.failures = new FailureLog(log, settings.name(), QUIET_PERIOD);
        this.thread = Thread.ofPlatform()
                .name("herald-" + settings.name().replace(' ', '-'))
                .daemon()
                .unstarted(this::run);
    }

    public synchronized void start() {
        if (!running && !stopping) {
            running = true;
            thread.start();
        }
    }

    /** True while this replica holds the lock. */
    public boolean leading() {
        return leading;
    }

    /** True when the lock is held by another replica: a healthy standby. */
    public boolean standby() {
        return standby && !leading;
    }

    /** The lock holder's own database session, for cheap status queries during a turn; null when not leading. */
    public java.sql.Connection session() {
        return leading ? lock.session() : null;
    }

    /** Why the last turn failed, with the fix when known; empty once a turn succeeds. */
    public java.util.Optional<String> lastFailure() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    /** True once {@link #close()} was called: long work checks it between batches. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * One turn: take or keep the lock, then give the work its turn. Returns how long to wait before the next one:
     * the interval, or a growing backoff after a failure.
     */
    public Duration turn() {
        try {
            if (!leading) {
                if (!lock.tryAcquire()) {
                    standby = true;
                    return settings.interval();
                }
                standby = false;
                leading = true;
                log.info("{} is now the active replica", settings.name());
                work.lead();
            } else if (!lock.stillHeld()) {
                log.warn("{} lost its database session and with it the lock; standing down", settings.name());
                standDown();
                return settings.interval();
            }
            work.turn();
            backoff.healthy(clock.instant());
            failures.healthy();
            lastFailure = null;
            return settings.interval();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return settings.interval();
        } catch (Exception e) {
            Duration delay = backoff.failed(clock.instant());
            String fix = work.fixFor(e);
            failures.failed(settings.action(), e, fix, delay, clock.instant());
            lastFailure = "could not " + settings.action() + ": " + FailureLog.describe(e)
                    + (fix.isEmpty() ? "" : " (fix: " + fix + ")") + "; trying again in " + delay.toSeconds() + " s";
            return delay;
        }
    }

    /** Stops the loop, stands the work down and gives up the lock. */
    @Override
    public void close() {
        stopping = true;
        running = false;
        thread.interrupt();
        if (thread.isAlive()) {
            try {
                thread.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leading) {
            standDown();
        }
        lock.close();
    }

    private void standDown() {
        leading = false;
        try {
            work.stepDown();
        } catch (RuntimeException e) {
            log.warn("{} did not stand down cleanly: {}", settings.name(), FailureLog.describe(e));
            log.debug("{} stand-down failure", settings.name(), e);
        }
    }

    private void run() {
        while (running) {
            Duration delay = turn();
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            }
        }
    }
}
