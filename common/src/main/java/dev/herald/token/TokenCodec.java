package dev.herald.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.herald.model.NotificationMethod;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The wire form of a {@link WorkToken}: small, versioned JSON. Readers accept unknown fields so that a newer writer
 * can add some without breaking older dispatchers.
 */
public final class TokenCodec {

    /** The version this codec writes. */
    public static final int VERSION = 1;

    // Read and written field by field: databind's reflection on a record was a tenth of the dispatch loop's samples in
    // issue 14's profile, for eight fields.
    private final JsonFactory json = new JsonFactory();

    public byte[] encode(WorkToken token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = json.createGenerator(out)) {
            generator.writeStartObject();
            generator.writeNumberField("v", VERSION);
            generator.writeStringField("id", token.messageId().toString());
            generator.writeStringField("method", token.method().sqlName());
            if (token.templateId() != null) {
                generator.writeStringField("template_id", token.templateId().toString());
            }
            if (token.userId() != null) {
                generator.writeStringField("user_id", token.userId().toString());
            }
            generator.writeStringField("created_at", token.createdAt().toString());
            generator.writeNumberField("attempt_count", token.attemptCount());
            if (token.notBefore() != null) {
                generator.writeStringField("not_before", token.notBefore().toString());
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a work token could not be written", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads a token; fields it does not know are skipped, so that a newer writer can add some.
     *
     * @throws MalformedTokenException when the bytes are not a token this version understands
     */
    public WorkToken decode(byte[] bytes) {
        int version = 0;
        int attemptCount = 0;
        String id = null;
        String method = null;
        String templateId = null;
        String userId = null;
        String createdAt = null;
        String notBefore = null;
        try (JsonParser parser = json.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedTokenException("not a work token: " + preview(bytes), null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "v" -> version = number(parser, bytes);
                    case "id" -> id = text(parser, bytes);
                    case "method" -> method = text(parser, bytes);
                    case "template_id" -> templateId = text(parser, bytes);
                    case "user_id" -> userId = text(parser, bytes);
                    case "created_at" -> createdAt = text(parser, bytes);
                    case "attempt_count" -> attemptCount = number(parser, bytes);
                    case "not_before" -> notBefore = text(parser, bytes);
                    default -> parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new MalformedTokenException("not a work token: " + preview(bytes), e);
        }
        if (version < 1 || version > VERSION) {
            throw new MalformedTokenException("work token version " + version + " is not supported", null);
        }
        if (id == null || method == null) {
            throw new MalformedTokenException("work token without id or method: " + preview(bytes), null);
        }
        try {
            return new WorkToken(
                    UUID.fromString(id),
                    NotificationMethod.fromSql(method),
                    templateId == null ? null : UUID.fromString(templateId),
                    userId == null ? null : UUID.fromString(userId),
                    createdAt == null ? Instant.EPOCH : instant(createdAt),
                    attemptCount,
                    notBefore == null ? null : instant(notBefore));
        } catch (RuntimeException e) {
            throw new MalformedTokenException("work token with invalid fields: " + preview(bytes), e);
        }
    }

    /**
     * Reads the form {@link Instant#toString()} writes (yyyy-MM-ddTHH:mm:ss, an optional fraction, Z) directly, and
     * anything else through {@link Instant#parse}: java.time's general parser was half of decoding a token.
     */
    static Instant instant(String text) {
        int length = text.length();
        if (length < 20
                || length > 30
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z'
                || (length > 20 && (text.charAt(19) != '.' || length == 21))) {
            return Instant.parse(text);
        }
        int nanos = 0;
        for (int i = 20; i < 29; i++) {
            nanos = nanos * 10 + (i < length - 1 ? digit(text, i) : 0);
        }
        LocalDate date = LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        if (hour > 23 || minute > 59 || second > 59) {
            return Instant.parse(text);
        }
        return Instant.ofEpochSecond(date.toEpochDay() * 86_400 + hour * 3_600 + minute * 60 + second, nanos);
    }

    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + digit(text, i);
        }
        return value;
    }

    private static int digit(String text, int at) {
        char c = text.charAt(at);
        if (c < '0' || c > '9') {
            throw new DateTimeParseException("not a timestamp", text, at);
        }
        return c - '0';
    }

    /** A field's text; a number or boolean in its place is read as text, an object or array is refused. */
    private static String text(JsonParser parser, byte[] bytes) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!token.isScalarValue()) {
            throw new MalformedTokenException("work token with invalid fields: " + preview(bytes), null);
        }
        return parser.getText();
    }

    /** A whole number, written as a number or as the text of one; null reads as 0. */
    private static int number(JsonParser parser, byte[] bytes) throws IOException {
        JsonToken token = parser.currentToken();
        try {
            return switch (token) {
                case VALUE_NUMBER_INT -> parser.getIntValue();
                case VALUE_NULL -> 0;
                case VALUE_STRING -> Integer.parseInt(parser.getText().strip());
                default -> throw new NumberFormatException(token.toString());
            };
        } catch (NumberFormatException e) {
            throw new MalformedTokenException("work token with invalid fields: " + preview(bytes), e);
        }
    }

    private static String preview(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
