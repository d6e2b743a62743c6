package dev.herald.store;

import dev.herald.model.MessagePayload;
import dev.herald.model.NotificationMethod;
import java.time.Instant;
import java.util.UUID;

/**
 * A message this dispatcher now holds, with what it needs to render it. {@code leasedUntil} identifies the lease:
 * status writes match on it, so a dispatcher whose lease was taken over cannot overwrite the new holder's outcome.
 */
public record LeasedMessage(
        UUID id,
        UUID templateId,
        String templateName,
        String titleTemplate,
        String bodyTemplate,
        NotificationMethod method,
        MessagePayload payload,
        int attemptCount,
        Instant createdAt,
        Instant leasedUntil,
        double queuedSeconds) {}
