package dev.herald.dispatch;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, everything below the lowest record whose outcome is not yet durable
 * in PostgreSQL. Records finish out of order (sends run concurrently); the committed offset only moves over a
 * contiguous finished prefix, so a crash replays rather than skips.
 */
final class OffsetTracker {

    private final Map<TopicPartition, NavigableSet<Long>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    void track(TopicPartition partition, long offset) {
        pending.computeIfAbsent(partition, p -> new TreeSet<>()).add(offset);
        next.merge(partition, offset + 1, Math::max);
    }

    void done(TopicPartition partition, long offset) {
        NavigableSet<Long> offsets = pending.get(partition);
        if (offsets != null) {
            offsets.remove(offset);
        }
    }

    /** Offsets that moved since the last call. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, nextOffset) -> {
            NavigableSet<Long> open = pending.get(partition);
            long commit = open == null || open.isEmpty() ? nextOffset : open.first();
            if (!Long.valueOf(commit).equals(committed.get(partition))) {
                offsets.put(partition, new OffsetAndMetadata(commit));
            }
        });
        return offsets;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    /** Forgets partitions this consumer no longer owns; their uncommitted records go to the new owner. */
    void forget(Iterable<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            pending.remove(partition);
            next.remove(partition);
            committed.remove(partition);
        }
    }
}
