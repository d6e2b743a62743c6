package dev.herald.producer;

import java.util.List;
import java.util.UUID;

/** Per recipient, what one event produced. */
public record FanOutResult(List<EnqueueResult> results) {

    public FanOutResult {
        results = List.copyOf(results);
    }

    public List<UUID> enqueuedMessageIds() {
        return results.stream()
                .filter(EnqueueResult.Enqueued.class::isInstance)
                .map(result -> ((EnqueueResult.Enqueued) result).messageId())
                .toList();
    }

    public List<UUID> recipients() {
        return results.stream().map(EnqueueResult::userId).toList();
    }

    public List<UUID> optedOut() {
        return results.stream()
                .filter(EnqueueResult.DisabledByUser.class::isInstance)
                .map(EnqueueResult::userId)
                .toList();
    }
}
