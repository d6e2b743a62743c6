package dev.herald.dispatch;

import java.time.Duration;
import java.util.Optional;

/** What a sender reports: failures are values, so that the loop decides retries in one place. */
public sealed interface DeliveryResult {

    record Delivered() implements DeliveryResult {}

    /** Worth trying again; {@code retryAfter} is the receiver's own hint (HTTP Retry-After), if it gave one. */
    record Retryable(String reason, Optional<Duration> retryAfter) implements DeliveryResult {
        public Retryable(String reason) {
            this(reason, Optional.empty());
        }
    }

    /** Trying again cannot help: a bad address, a rejected payload, a misconfiguration. */
    record Permanent(String reason) implements DeliveryResult {}
}
