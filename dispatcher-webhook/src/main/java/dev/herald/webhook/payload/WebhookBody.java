package dev.herald.webhook.payload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.dispatch.Delivery;
import dev.herald.model.MessagePayload;
import java.util.UUID;

/**
 * The JSON a webhook receiver gets: the shape of Coder's documented example ({@code _version}, {@code msg_id},
 * {@code payload}, {@code title}, {@code body}), plus the Markdown forms and the payload's data and targets.
 */
public final class WebhookBody {

    /** Minor bump over the documented 1.0: fields were added, none changed. */
    public static final String VERSION = "1.1";

    // The producer's data reaches Herald as an unordered map; sorted keys make the body the same for every send of a
    // message, as the labels already are.
    private final ObjectMapper json =
            new ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /**
     * Serialises one delivery.
     *
     * @throws IllegalArgumentException when the payload's data cannot be written as JSON
     */
    public byte[] render(Delivery delivery) {
        MessagePayload payload = delivery.message().payload();
        ObjectNode body = json.createObjectNode();
        body.put("_version", VERSION);
        body.put("msg_id", delivery.message().id().toString());
        ObjectNode inner = body.putObject("payload");
        inner.put("_version", payload.version());
        inner.put("notification_name", payload.notificationName());
        inner.put("notification_template_id", text(delivery.message().templateId()));
        inner.put("user_id", text(payload.userId()));
        inner.put("user_email", payload.userEmail());
        inner.put("user_name", payload.userName());
        inner.put("user_username", payload.userUsername());
        ArrayNode actions = inner.putArray("actions");
        delivery.rendered()
                .actions()
                .forEach(action ->
                        actions.addObject().put("label", action.label()).put("url", action.url()));
        ObjectNode labels = inner.putObject("labels");
        payload.labels().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(label -> labels.put(label.getKey(), label.getValue()));
        inner.set("data", json.valueToTree(payload.data()));
        if (payload.targets() == null) {
            inner.putNull("targets");
        } else {
            ArrayNode targets = inner.putArray("targets");
            payload.targets().forEach(target -> targets.add(target.toString()));
        }
        body.put("title", delivery.rendered().title());
        body.put("title_markdown", delivery.rendered().title());
        body.put("body", delivery.bodyText());
        body.put("body_markdown", delivery.rendered().bodyMarkdown());
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the notification's data cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(UUID id) {
        return id == null ? null : id.toString();
    }
}
