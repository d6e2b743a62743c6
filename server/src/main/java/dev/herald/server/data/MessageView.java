package dev.herald.server.data;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.UUID;

/**
 * A message as the troubleshooting API shows it: its state, why, and where it is in its retries. The payload is the
 * row's JSON, passed through as JSON.
 */
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
        @JsonRawValue String payload) {}
