package dev.herald.server.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.util.stream.Collectors;

/** The API's JSON: snake_case like Coder's, ISO-8601 times, and request errors that name the field. */
public final class Json {

    /** Deep enough for any real request, shallow enough that no body can exhaust the stack or the CPU. */
    static final int MAX_NESTING = 32;

    /** Digits in one number: more than any id, count or time needs. */
    static final int MAX_NUMBER_LENGTH = 64;

    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .build())
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private Json() {}

    /** The shared mapper, for clients of the API (the admin CLI) that must read what it writes. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads the request body.
     *
     * @throws ApiException 400 naming the field that is unknown, of the wrong type, or unreadable
     */
    static <T> T read(Context context, Class<T> type) {
        String body = context.body();
        if (body.isBlank()) {
            throw ApiException.badRequest("The request body is empty; a JSON object is expected.");
        }
        T value;
        try {
            JsonNode parsed = context.attribute(RequestGuard.PARSED_BODY);
            value = parsed != null ? MAPPER.treeToValue(parsed, type) : MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badField(path(e), "is not a known field");
        } catch (JsonMappingException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw ApiException.badRequest("The request body is not the JSON object expected: "
                        + e.getOriginalMessage().lines().findFirst().orElse(""));
            }
            throw ApiException.badField(field, "has the wrong type or value");
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The request body is not valid JSON"
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")")
                    + ".");
        }
        if (value == null) {
            throw ApiException.badRequest("The request body must be a JSON object, not null.");
        }
        return value;
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(reference ->
                        reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
