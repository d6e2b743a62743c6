package dev.herald.server.api;

import java.util.List;

/**
 * A request the API refuses, with what to tell the caller: a status, a one-line message, a detail, and the fields
 * at fault. Thrown by handlers, turned into Coder's response shape in one place.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One field of the request and what is wrong with it. */
    public record Validation(String field, String detail) {}

    private final int status;
    private final String detail;
    private final transient List<Validation> validations;

    public ApiException(int status, String message, String detail, List<Validation> validations) {
        super(message);
        this.status = status;
        this.detail = detail;
        this.validations = List.copyOf(validations);
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public List<Validation> validations() {
        return validations;
    }

    /** 400, naming the field and the fix. */
    public static ApiException badField(String field, String detail) {
        return new ApiException(
                400, "Invalid request: " + field + " " + detail + ".", "", List.of(new Validation(field, detail)));
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message, "", List.of());
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, "", List.of());
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, message, "", List.of());
    }

    public static ApiException conflict(String message, String detail) {
        return new ApiException(409, message, detail, List.of());
    }
}
