package dev.herald.server.data;

import java.util.UUID;

/** A notification template as the API shows it; {@code method} is empty when the deployment default applies. */
public record Template(
        UUID id,
        String name,
        String titleTemplate,
        String bodyTemplate,
        String actions,
        String group,
        String method,
        String kind,
        boolean enabledByDefault) {}
