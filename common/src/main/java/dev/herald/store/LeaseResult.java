package dev.herald.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rows one lease call took: to send; turned {@code inhibited} because the user opted out meanwhile; leased but
 * unreadable, whose payload cannot be read and which therefore can only fail; and the ids that had no row at all.
 *
 * <p>{@code absent}: ids with no row in the lease's snapshot. Usually a row not visible yet: PostgreSQL writes a
 * commit to the WAL, where the change stream can read it, a moment before it shows the transaction to other sessions,
 * and on a busy machine that moment can outlast the trip through Kafka. Otherwise a row that was deleted, or a token
 * for another database. Any other id that was not taken has a row that is finished or someone else's.
 */
public record LeaseResult(
        List<LeasedMessage> leased, List<UUID> inhibited, List<Unreadable> unreadable, List<UUID> absent) {

    /** A leased row whose payload is not what Herald can render from (a producer's own INSERT can write anything). */
    public record Unreadable(UUID id, UUID templateId, Instant leasedUntil, String reason) {}

    public LeaseResult {
        leased = List.copyOf(leased);
        inhibited = List.copyOf(inhibited);
        unreadable = List.copyOf(unreadable);
        absent = List.copyOf(absent);
    }
}
