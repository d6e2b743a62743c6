package dev.herald.server;

import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.Enqueuer;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development mode on an empty database: a first owner, an API key printed once, and a test notification on its way
 * to the mail catcher, so that a newcomer sees Herald deliver something within a minute.
 */
final class DevelopmentOwner {

    private static final Logger log = LoggerFactory.getLogger(DevelopmentOwner.class);

    private DevelopmentOwner() {}

    /** Creates the owner when the database has no user yet; returns it when it did. */
    static Optional<User> createOnFreshDatabase(DataSource dataSource, Duration keyLifetime, Clock clock) {
        UserDirectory users = new UserDirectory(dataSource);
        try {
            if (users.anyUser()) {
                return Optional.empty();
            }
            User owner = users.create("admin@localhost", "admin", "Herald Admin", Set.of(UserRole.OWNER));
            String key = users.createKey(owner.id(), "development", clock.instant(), keyLifetime);
            // Printed rather than logged: the key is shown once, to the person at the terminal.
            System.out.println();
            System.out.println("  Development mode: created the first owner \"admin\" (admin@localhost).");
            System.out.println("  API key (shown once): " + key);
            System.out.println("  Try: export HERALD_TOKEN=" + key + " && ./herald notifications test");
            System.out.println(
                    "  A test notification will reach the development mail catcher once the server is ready.");
            System.out.println();
            return Optional.of(owner);
        } catch (SQLException | UserDirectory.AlreadyExists e) {
            log.warn("could not create the development owner: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Sends the first test notification. Called once the relay streams: a row written before its replication slot
     * existed would wait for the reconciler.
     */
    static void sendFirstTest(DataSource dataSource, User owner, Clock clock) {
        try {
            new Enqueuer(dataSource)
                    .enqueue(new EnqueueRequest(
                            SystemTemplates.TEST_NOTIFICATION,
                            owner.id(),
                            Map.of(),
                            Map.of("requested_at", clock.instant().toString()),
                            "herald --dev",
                            null));
            log.info("notifications: a test notification was enqueued for the development owner \"admin\"");
        } catch (SQLException e) {
            log.warn("could not enqueue the first test notification: {}", e.getMessage());
        }
    }
}
