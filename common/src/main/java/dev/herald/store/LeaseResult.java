package dev.herald.store;

import java.util.List;
import java.util.UUID;

/** The rows one lease call took: to send, and turned {@code inhibited} because the user opted out meanwhile. */
public record LeaseResult(List<LeasedMessage> leased, List<UUID> inhibited) {

    public LeaseResult {
        leased = List.copyOf(leased);
        inhibited = List.copyOf(inhibited);
    }
}
