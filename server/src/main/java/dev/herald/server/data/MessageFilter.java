package dev.herald.server.data;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Which messages to list, newest first; {@code before} continues a page after the last row of the previous one.
 * Every field is optional.
 */
public record MessageFilter(
        Optional<String> status,
        Optional<UUID> userId,
        Optional<UUID> templateId,
        Optional<String> method,
        Optional<Instant> createdAfter,
        Optional<Instant> createdBefore,
        Optional<PageCursor> before,
        int limit) {

    /** The position of a row in "newest first" order, handed to clients as an opaque text. */
    public record PageCursor(Instant createdAt, UUID id) {

        public String encode() {
            return java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString((createdAt + "|" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * @throws IllegalArgumentException when the text is not a cursor this API handed out
         */
        public static PageCursor decode(String text) {
            String decoded =
                    new String(java.util.Base64.getUrlDecoder().decode(text), java.nio.charset.StandardCharsets.UTF_8);
            int separator = decoded.indexOf('|');
            if (separator <= 0) {
                throw new IllegalArgumentException("not a page cursor");
            }
            try {
                return new PageCursor(
                        Instant.parse(decoded.substring(0, separator)),
                        UUID.fromString(decoded.substring(separator + 1)));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not a page cursor", e);
            }
        }
    }
}
