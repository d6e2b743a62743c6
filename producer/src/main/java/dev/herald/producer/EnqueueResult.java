package dev.herald.producer;

import java.util.UUID;

/** What became of one enqueue: a new message, or one of the two ordinary reasons for none. */
public sealed interface EnqueueResult {

    UUID userId();

    /** A pending message now exists (once the caller's transaction commits). */
    record Enqueued(UUID userId, UUID messageId) implements EnqueueResult {}

    /** The same notification already went to this user today; nothing was written. */
    record Duplicate(UUID userId, String reason) implements EnqueueResult {}

    /** The recipient turned this notification off; nothing was written. */
    record DisabledByUser(UUID userId, String reason) implements EnqueueResult {}
}
