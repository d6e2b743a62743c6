package dev.herald.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
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
        labels = readOnlyCopy(labels);
        data = readOnlyCopy(data);
    }

    /**
     * A JSON null is a value a producer may give (enqueue accepts it in data; a producer writing rows itself can put
     * one among the labels), so it is kept: {@code Map.copyOf} would throw on it, and one such row would then fail the
     * lease of every message leased with it.
     */
    private static <V> Map<String, V> readOnlyCopy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
