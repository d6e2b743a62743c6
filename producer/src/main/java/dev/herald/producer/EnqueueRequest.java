package dev.herald.producer;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One notification for one recipient.
 *
 * @param labels string values the template refers to as {@code {{labels.<name>}}}
 * @param data any JSON-able values, passed through to webhook receivers
 * @param createdBy who enqueued it, for troubleshooting (a service or user name)
 * @param targets ids of the objects the notification is about, if any
 */
public record EnqueueRequest(
        UUID templateId,
        UUID userId,
        Map<String, String> labels,
        Map<String, Object> data,
        String createdBy,
        List<UUID> targets) {

    public EnqueueRequest {
        Objects.requireNonNull(templateId, "templateId");
        Objects.requireNonNull(userId, "userId");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        data = data == null ? Map.of() : Map.copyOf(data);
        createdBy = createdBy == null || createdBy.isBlank() ? "herald" : createdBy;
        targets = targets == null ? null : List.copyOf(targets);
    }

    public static EnqueueRequest of(UUID templateId, UUID userId, Map<String, String> labels, String createdBy) {
        return new EnqueueRequest(templateId, userId, labels, Map.of(), createdBy, null);
    }
}
