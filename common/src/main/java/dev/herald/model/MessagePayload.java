package dev.herald.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code payload} column of a message: the recipient as they were when the message was enqueued, the labels and
 * data the producer gave, and the template's actions. The JSON names are Coder's.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MessagePayload(
        @JsonProperty("_version") String version,
        @JsonProperty("notification_name") String notificationName,
        @JsonProperty("notification_template_id") UUID notificationTemplateId,
        @JsonProperty("user_id") UUID userId,
        @JsonProperty("user_email") String userEmail,
        @JsonProperty("user_name") String userName,
        @JsonProperty("user_username") String userUsername,
        @JsonProperty("actions") List<Action> actions,
        @JsonProperty("labels") Map<String, String> labels,
        @JsonProperty("data") Map<String, Object> data,
        @JsonProperty("targets") List<UUID> targets) {

    /** A call to action; in the payload {@code url} may still be a template, after rendering it is a URL. */
    public record Action(
            @JsonProperty("label") String label,
            @JsonProperty("url") String url) {}

    public MessagePayload {
        actions = actions == null ? List.of() : List.copyOf(actions);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
