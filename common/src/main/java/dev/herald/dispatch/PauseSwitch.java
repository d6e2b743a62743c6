package dev.herald.dispatch;

import dev.herald.store.MessageStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the deployment's pause switch. A LISTEN session hears changes at once; the setting is also re-read every
 * {@code pollInterval}, so a missed notification (a dropped session, a proxy that does not pass NOTIFY) delays a
 * change by at most that long. If the database cannot be read, the last known state holds.
 */
public final class PauseSwitch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PauseSwitch.class);

    private final DataSource dataSource;
    private final MessageStore store;
    private final Duration pollInterval;
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean running = true;

    public PauseSwitch(DataSource dataSource, MessageStore store, Duration pollInterval) {
        this.dataSource = dataSource;
        this.store = store;
        this.pollInterval = pollInterval;
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
                listen.execute("LISTEN " + MessageStore.PAUSE_CHANNEL);
                PGConnection notifications = session.unwrap(PGConnection.class);
                while (running) {
                    notifications.getNotifications((int) pollInterval.toMillis());
                    update(readOrKeep());
                }
            } catch (SQLException e) {
                log.warn(
                        "notifications pause switch lost its database session; polling again shortly: {}",
                        e.getMessage());
                sleep();
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
            return store.notifierPaused();
        } catch (SQLException e) {
            return paused;
        }
    }

    private void sleep() {
        try {
            Thread.sleep(pollInterval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
