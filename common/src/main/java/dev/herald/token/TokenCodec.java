package dev.herald.token;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.model.NotificationMethod;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * The wire form of a {@link WorkToken}: small, versioned JSON. Readers accept unknown fields so that a newer writer
 * can add some without breaking older dispatchers.
 */
public final class TokenCodec {

    /** The version this codec writes. */
    public static final int VERSION = 1;

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setDefaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(
                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL,
                    com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL));

    private record Wire(
            @JsonProperty("v") int version,
            @JsonProperty("id") UUID id,
            @JsonProperty("method") String method,
            @JsonProperty("template_id") UUID templateId,
            @JsonProperty("user_id") UUID userId,
            @JsonProperty("created_at") String createdAt,
            @JsonProperty("attempt_count") int attemptCount,
            @JsonProperty("not_before") String notBefore) {}

    public byte[] encode(WorkToken token) {
        try {
            return json.writeValueAsBytes(new Wire(
                    VERSION,
                    token.messageId(),
                    token.method().sqlName(),
                    token.templateId(),
                    token.userId(),
                    token.createdAt().toString(),
                    token.attemptCount(),
                    token.notBefore() == null ? null : token.notBefore().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a work token could not be written", e);
        }
    }

    /**
     * Reads a token.
     *
     * @throws MalformedTokenException when the bytes are not a token this version understands
     */
    public WorkToken decode(byte[] bytes) {
        Wire wire;
        try {
            wire = json.readValue(bytes, Wire.class);
        } catch (java.io.IOException e) {
            throw new MalformedTokenException("not a work token: " + preview(bytes), e);
        }
        if (wire.version() < 1 || wire.version() > VERSION) {
            throw new MalformedTokenException("work token version " + wire.version() + " is not supported", null);
        }
        if (wire.id() == null || wire.method() == null) {
            throw new MalformedTokenException("work token without id or method: " + preview(bytes), null);
        }
        try {
            return new WorkToken(
                    wire.id(),
                    NotificationMethod.fromSql(wire.method()),
                    wire.templateId(),
                    wire.userId(),
                    wire.createdAt() == null ? Instant.EPOCH : Instant.parse(wire.createdAt()),
                    wire.attemptCount(),
                    wire.notBefore() == null ? null : Instant.parse(wire.notBefore()));
        } catch (RuntimeException e) {
            throw new MalformedTokenException("work token with invalid fields: " + preview(bytes), e);
        }
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
