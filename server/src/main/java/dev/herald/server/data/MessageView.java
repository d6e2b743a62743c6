package dev.herald.server.data;

import java.time.Instant;
import java.util.UUID;

/** A message as the troubleshooting API shows it: its state, why, and where it is in its retries. */
public record MessageView(
        UUID id,
        UUID notificationTemplateId,
        String templateName,
        UUID userId,
        String username,
        String method,
        String status,
        String statusReason,
        String createdBy,
        int attemptCount,
        Instant createdAt,
        Instant updatedAt,
        Instant leasedUntil,
        Instant nextRetryAfter,
        Double queuedSeconds,
        String payload) {}
