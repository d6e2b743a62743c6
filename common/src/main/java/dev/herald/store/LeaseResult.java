package dev.herald.store;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The rows one lease call took: to send; turned {@code inhibited} because the user opted out meanwhile; and leased
 * but unreadable, whose payload cannot be read and which therefore can only fail.
 */
public record LeaseResult(List<LeasedMessage> leased, List<UUID> inhibited, List<Unreadable> unreadable) {

    /** A leased row whose payload is not what Herald can render from (a producer's own INSERT can write anything). */
    public record Unreadable(UUID id, UUID templateId, Instant leasedUntil, String reason) {}

    public LeaseResult {
        leased = List.copyOf(leased);
        inhibited = List.copyOf(inhibited);
        unreadable = List.copyOf(unreadable);
    }
}
