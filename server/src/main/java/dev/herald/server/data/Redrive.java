package dev.herald.server.data;

import dev.herald.store.MessageStore;
import dev.herald.token.TokenPublisher;
import dev.herald.token.WorkToken;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** An operator's re-drive, from the API or the web UI: a fresh set of attempts for a permanently failed message. */
public final class Redrive {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(10);

    private final MessageStore store;
    private final TokenPublisher publisher;
    private final Clock clock;

    public Redrive(MessageStore store, TokenPublisher publisher, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * @param by who asked, recorded in the status reason
     * @return false when the message is not a permanent failure (or does not exist); nothing changed then
     */
    public boolean redrive(UUID id, String by) throws SQLException {
        Optional<WorkToken> token = store.redrive(id, by, clock.instant());
        // The token makes the re-drive immediate; should Kafka not take it, the reconciler issues another.
        token.ifPresent(redriven -> publisher.publishAndWait(List.of(redriven), PUBLISH_TIMEOUT));
        return token.isPresent();
    }
}
