package dev.herald.token;

import dev.herald.model.NotificationMethod;
import java.time.Instant;
import java.util.UUID;

/**
 * A Kafka record's value: a pointer to a row of {@code notification_messages}, never its state. A token may be
 * duplicated or lost; the row decides what happens.
 *
 * @param createdAt when the message's insert was committed (a token from the relay) or the row was created (a retry
 *     token); for latency metrics only
 * @param notBefore on a retry token, when the retry is due; null on work tokens
 */
public record WorkToken(
        UUID messageId,
        NotificationMethod method,
        UUID templateId,
        UUID userId,
        Instant createdAt,
        int attemptCount,
        Instant notBefore) {

    /** A work token for a message to send now. */
    public WorkToken(
            UUID messageId,
            NotificationMethod method,
            UUID templateId,
            UUID userId,
            Instant createdAt,
            int attemptCount) {
        this(messageId, method, templateId, userId, createdAt, attemptCount, null);
    }
}
