package dev.herald.dispatch;

import dev.herald.lifecycle.Backoff;
import dev.herald.lifecycle.FailureLog;
import dev.herald.store.SiteConfigStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the deployment's pause switch. A LISTEN session hears changes at once; the setting is also re-read every
 * {@code pollInterval}, so a missed notification (a dropped session, a proxy that does not pass NOTIFY) delays a
 * change by at most that long. If the database cannot be read, the last known state holds, and the session is
 * reopened with a growing backoff.
 */
public final class PauseSwitch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PauseSwitch.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final SiteConfigStore settings;
    private final Duration pollInterval;
    private final Clock clock;
    private final Backoff backoff;
    private final FailureLog failures = new FailureLog(log, "notifications pause switch", Duration.ofMinutes(10));
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean running = true;

    public PauseSwitch(DataSource dataSource, Duration pollInterval, Clock clock) {
        this.dataSource = dataSource;
        this.settings = new SiteConfigStore(dataSource);
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.backoff = new Backoff(
                pollInterval,
                MAX_BACKOFF.compareTo(pollInterval) < 0 ? pollInterval : MAX_BACKOFF,
                Duration.ofMinutes(1));
        this.paused = readOrKeep();
        this.thread = Thread.ofPlatform().name("herald-pause-switch").daemon().start(this::follow);
    }

    public boolean paused() {
        return paused;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    private void follow() {
        while (running) {
            try (Connection session = dataSource.getConnection();
                    Statement listen = session.createStatement()) {
                listen.execute("LISTEN " + SiteConfigStore.PAUSE_CHANNEL);
                PGConnection notifications = session.unwrap(PGConnection.class);
                while (running) {
                    notifications.getNotifications((int) pollInterval.toMillis());
                    update(settings.notifierPaused());
                    backoff.healthy(clock.instant());
                    failures.healthy();
                }
            } catch (SQLException e) {
                Duration delay = backoff.failed(clock.instant());
                failures.failed(
                        "read the pause setting (the last known state holds)",
                        e,
                        "check that PostgreSQL is reachable",
                        delay,
                        clock.instant());
                sleep(delay);
            }
        }
    }

    private void update(boolean now) {
        if (now != paused) {
            log.info("notifications {} by the pause switch", now ? "paused" : "resumed");
            paused = now;
        }
    }

    private boolean readOrKeep() {
        try {
            return settings.notifierPaused();
        } catch (SQLException e) {
            return paused;
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
