package dev.herald.dispatch;

import dev.herald.store.LeasedMessage;
import dev.herald.store.Outcome;
import java.time.Instant;

/**
 * Turns a sender's verdict into the row's next state. Attempts are counted here and only here: the attempt that just
 * ended is {@code attemptCount + 1}; a retryable failure on the last allowed attempt is final, and any other is due
 * again when the retry policy says, counted from the time it failed.
 */
public record OutcomePolicy(int maxSendAttempts, RetryPolicy retryPolicy) {

    public Outcome decide(LeasedMessage message, DeliveryResult result, Instant now) {
        int attempts = message.attemptCount() + 1;
        return switch (result) {
            case DeliveryResult.Delivered delivered -> new Outcome.Sent(message.id(), message.leasedUntil());
            case DeliveryResult.Permanent permanent ->
                new Outcome.PermanentFailure(message.id(), message.leasedUntil(), permanent.reason());
            case DeliveryResult.Retryable retryable
            when attempts >= maxSendAttempts ->
                new Outcome.PermanentFailure(
                        message.id(),
                        message.leasedUntil(),
                        "gave up after " + attempts + " attempts; last error: " + retryable.reason());
            case DeliveryResult.Retryable retryable ->
                new Outcome.TemporaryFailure(
                        message.id(),
                        message.leasedUntil(),
                        retryable.reason(),
                        retryPolicy.nextAttempt(now, attempts, retryable.retryAfter()));
        };
    }
}
