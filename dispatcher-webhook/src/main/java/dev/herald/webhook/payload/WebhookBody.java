package dev.herald.webhook.payload;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.dispatch.Delivery;
import dev.herald.model.MessagePayload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
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
        // Written field by field with the streaming generator: building a tree first cost a node per field and a
        // second walk over them for every message (issue 14's profile).
        MessagePayload payload = delivery.message().payload();
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator body = json.getFactory().createGenerator(out)) {
            body.writeStartObject();
            body.writeStringField("_version", VERSION);
            body.writeStringField("msg_id", delivery.message().id().toString());
            body.writeObjectFieldStart("payload");
            body.writeStringField("_version", payload.version());
            body.writeStringField("notification_name", payload.notificationName());
            body.writeStringField(
                    "notification_template_id", text(delivery.message().templateId()));
            body.writeStringField("user_id", text(payload.userId()));
            body.writeStringField("user_email", payload.userEmail());
            body.writeStringField("user_name", payload.userName());
            body.writeStringField("user_username", payload.userUsername());
            body.writeArrayFieldStart("actions");
            for (var action : delivery.rendered().actions()) {
                body.writeStartObject();
                body.writeStringField("label", action.label());
                body.writeStringField("url", action.url());
                body.writeEndObject();
            }
            body.writeEndArray();
            body.writeObjectFieldStart("labels");
            for (Map.Entry<String, String> label : new TreeMap<>(payload.labels()).entrySet()) {
                body.writeStringField(label.getKey(), label.getValue());
            }
            body.writeEndObject();
            body.writeFieldName("data");
            json.writeValue(body, payload.data());
            if (payload.targets() == null) {
                body.writeNullField("targets");
            } else {
                body.writeArrayFieldStart("targets");
                for (UUID target : payload.targets()) {
                    body.writeString(target.toString());
                }
                body.writeEndArray();
            }
            body.writeEndObject();
            body.writeStringField("title", delivery.rendered().title());
            body.writeStringField("title_markdown", delivery.rendered().title());
            body.writeStringField("body", delivery.bodyText());
            body.writeStringField("body_markdown", delivery.rendered().bodyMarkdown());
            body.writeEndObject();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the notification's data cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String text(UUID id) {
        return id == null ? null : id.toString();
    }
}
