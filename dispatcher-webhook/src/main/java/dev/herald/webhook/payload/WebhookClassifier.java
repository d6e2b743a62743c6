package dev.herald.webhook.payload;

import dev.herald.dispatch.DeliveryResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * What a webhook response means, as one table: 2xx delivered; 410 Gone permanent (the receiver says the endpoint is
 * no more); everything else, including other 4xx, 3xx (redirects are not followed) and 5xx, worth retrying. A
 * Retry-After on 429 or 503 is passed on so the next attempt waits at least that long.
 */
public final class WebhookClassifier {

    /** How much of an error response is kept for {@code status_reason}. */
    public static final int MAX_BODY_PREFIX = 256;

    private WebhookClassifier() {}

    public static DeliveryResult classify(int status, String retryAfterHeader, String body, Instant now) {
        if (status >= 200 && status < 300) {
            return new DeliveryResult.Delivered();
        }
        String reason = "webhook endpoint answered " + status + describeBody(body);
        if (status == 410) {
            return new DeliveryResult.Permanent(reason);
        }
        Optional<Duration> hint = status == 429 || status == 503 ? retryAfter(retryAfterHeader, now) : Optional.empty();
        return new DeliveryResult.Retryable(reason, hint);
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; anything else is ignored. */
    public static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(now, at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String describeBody(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > MAX_BODY_PREFIX ? oneLine.substring(0, MAX_BODY_PREFIX) + "..." : oneLine);
    }
}
