package dev.herald.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Tokens whose message row the lease could not see (see {@code LeaseResult.absent}), held and leased again a little
 * later instead of being taken as spent. Spent, such a token left its message pending until the reconciler re-drove
 * it a minute later. A token is held for at most {@link #GIVE_UP_AFTER}: a row that never appears was deleted, and its
 * token is then spent after all. Held records are not finished, so their offsets stay uncommitted meanwhile, and a
 * crash or a rebalance replays them. Used by the loop's thread only.
 */
final class UnseenTokens {

    /** How often held tokens are leased again. */
    static final Duration RETRY_EVERY = Duration.ofMillis(200);

    /** Far longer than a commit takes to become visible, even on a machine at full load. */
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(10);

    private final Map<UUID, List<ConsumerRecord<String, byte[]>>> held = new LinkedHashMap<>();
    private final Map<UUID, Instant> firstMissed = new HashMap<>();
    private Instant nextTry = Instant.MIN;

    /**
     * Holds the token of a message whose row was absent.
     *
     * @return the records now spent, to be finished by the caller: none while the message may still appear; once it
     *     has been missed for {@link #GIVE_UP_AFTER}, these and any held before for the same message
     */
    List<ConsumerRecord<String, byte[]>> hold(UUID id, List<ConsumerRecord<String, byte[]>> records, Instant now) {
        Instant since = firstMissed.computeIfAbsent(id, missing -> now);
        if (!now.isBefore(since.plus(GIVE_UP_AFTER))) {
            firstMissed.remove(id);
            List<ConsumerRecord<String, byte[]>> spent = new ArrayList<>(records);
            List<ConsumerRecord<String, byte[]>> before = held.remove(id);
            if (before != null) {
                spent.addAll(before);
            }
            return spent;
        }
        if (held.isEmpty()) {
            nextTry = now.plus(RETRY_EVERY);
        }
        held.computeIfAbsent(id, first -> new ArrayList<>()).addAll(records);
        return List.of();
    }

    /** Every held token, to lease again, when a retry is due; each comes back through {@link #hold} or is settled. */
    Map<UUID, List<ConsumerRecord<String, byte[]>>> takeDue(Instant now) {
        if (held.isEmpty() || now.isBefore(nextTry)) {
            return Map.of();
        }
        Map<UUID, List<ConsumerRecord<String, byte[]>>> due = new LinkedHashMap<>(held);
        held.clear();
        return due;
    }

    /** The message was found (leased, or finished, or someone else's): it no longer counts as missing. */
    void settled(UUID id) {
        firstMissed.remove(id);
    }

    /** Partitions taken away by a rebalance: their tokens are the new owner's to read again. */
    void forget(Collection<TopicPartition> partitions) {
        held.values()
                .removeIf(records -> records.stream()
                        .anyMatch(
                                record -> partitions.contains(new TopicPartition(record.topic(), record.partition()))));
        firstMissed.keySet().retainAll(held.keySet());
    }

    int size() {
        return held.size();
    }
}
