package dev.herald.store;

import dev.herald.model.Appearance;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The appearance emails carry: what the deployment settings page stored, else the flags, else Herald's own name.
 * Read again at most every {@link #REFRESH}, so that a change on the page reaches every dispatcher replica within that
 * time without a query per email; when the database cannot be read, the last known appearance stays.
 */
public final class AppearanceSource implements Supplier<Appearance> {

    static final Duration REFRESH = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(AppearanceSource.class);

    private final SiteConfigStore store;
    private final Appearance flags;
    private final Clock clock;
    private Appearance current;
    private Instant readAt = Instant.MIN;

    public AppearanceSource(SiteConfigStore store, Appearance flags, Clock clock) {
        this.store = store;
        this.flags = flags;
        this.clock = clock;
        this.current = flags;
    }

    @Override
    public synchronized Appearance get() {
        Instant now = clock.instant();
        if (now.isBefore(readAt.plus(REFRESH))) {
            return current;
        }
        readAt = now;
        try {
            current = store.appearance().over(flags);
        } catch (SQLException e) {
            log.debug("notifications appearance not read again; keeping the last known one", e);
        }
        return current;
    }
}
