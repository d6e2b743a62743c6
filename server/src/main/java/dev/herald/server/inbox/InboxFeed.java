package dev.herald.server.inbox;

import dev.herald.inbox.InboxSender;
import dev.herald.lifecycle.Backoff;
import dev.herald.lifecycle.FailureLog;
import dev.herald.server.data.InboxStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears of every inbox notification the moment its row commits, from any dispatcher replica (one LISTEN session per
 * API process), and hands it to the open watches of its recipient. A watch that was open while the session was down
 * misses what arrived meanwhile; the list endpoint still has it.
 */
public final class InboxFeed implements AutoCloseable {

    /** Whoever watches one user's inbox. */
    public interface Watcher {
        /** Called on the feed's thread; must not block. */
        void delivered(InboxStore.Notification notification, int unreadCount);
    }

    private static final Logger log = LoggerFactory.getLogger(InboxFeed.class);
    private static final Duration WAIT = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final InboxStore inbox;
    private final Clock clock;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(1));
    private final FailureLog failures = new FailureLog(log, "inbox watch feed", Duration.ofMinutes(10));
    private final Map<UUID, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public InboxFeed(DataSource dataSource, InboxStore inbox, Clock clock) {
        this.dataSource = dataSource;
        this.inbox = inbox;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("herald-inbox-feed").daemon().start(this::follow);
    }

    public void watch(UUID userId, Watcher watcher) {
        watchers.computeIfAbsent(userId, id -> ConcurrentHashMap.newKeySet()).add(watcher);
    }

    public void unwatch(UUID userId, Watcher watcher) {
        watchers.computeIfPresent(userId, (id, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many watches are open in this process. */
    public int watching() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        while (running) {
            try (Connection session = dataSource.getConnection();
                    Statement listen = session.createStatement()) {
                listen.execute("LISTEN " + InboxSender.CHANNEL);
                PGConnection notifications = session.unwrap(PGConnection.class);
                backoff.healthy(clock.instant());
                failures.healthy();
                while (running) {
                    PGNotification[] arrived = notifications.getNotifications((int) WAIT.toMillis());
                    if (arrived != null) {
                        for (PGNotification notification : arrived) {
                            deliver(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                Duration delay = backoff.failed(clock.instant());
                failures.failed(
                        "listen for new inbox notifications (open watches miss what arrives meanwhile)",
                        e,
                        "check that PostgreSQL is reachable",
                        delay,
                        clock.instant());
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void deliver(String announcement) throws SQLException {
        String[] parts = announcement.split(" ");
        if (parts.length != 2) {
            log.warn("ignored an inbox announcement that is not \"<user id> <notification id>\": {}", announcement);
            return;
        }
        UUID userId;
        UUID id;
        try {
            userId = UUID.fromString(parts[0]);
            id = UUID.fromString(parts[1]);
        } catch (IllegalArgumentException e) {
            log.warn("ignored an inbox announcement with a malformed id: {}", announcement);
            return;
        }
        Set<Watcher> audience = watchers.get(userId);
        if (audience == null || audience.isEmpty()) {
            return;
        }
        Optional<InboxStore.Notification> notification = inbox.find(userId, id);
        if (notification.isEmpty()) {
            return;
        }
        int unread = inbox.unreadCount(userId);
        for (Watcher watcher : audience) {
            try {
                watcher.delivered(notification.get(), unread);
            } catch (RuntimeException e) {
                log.warn("an inbox watch could not be sent a notification: {}", FailureLog.describe(e));
            }
        }
    }
}
