package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.MessagePayload;
import dev.herald.model.NotificationMethod;
import dev.herald.store.LeasedMessage;
import dev.herald.store.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every row of the verdict → next state table, with attempts counted as the row will record them. */
class OutcomePolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant LEASE = NOW.plus(Duration.ofMinutes(2));
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final OutcomePolicy POLICY = new OutcomePolicy(3, RetryPolicy.fixed(INTERVAL, Duration.ofHours(1)));

    static Stream<Arguments> table() {
        DeliveryResult delivered = new DeliveryResult.Delivered();
        DeliveryResult retryable = new DeliveryResult.Retryable("421 try later");
        DeliveryResult throttled = new DeliveryResult.Retryable("429", Optional.of(Duration.ofMinutes(20)));
        DeliveryResult hugeHint = new DeliveryResult.Retryable("429", Optional.of(Duration.ofDays(3)));
        DeliveryResult permanent = new DeliveryResult.Permanent("550 no such user");
        String sent = "sent";
        String temporary = "temporary_failure";
        String perm = "permanent_failure";
        return Stream.of(
                // attempts made before, verdict, next state, reason, next attempt
                Arguments.of(0, delivered, sent, null, null),
                Arguments.of(2, delivered, sent, null, null),
                Arguments.of(0, permanent, perm, "550 no such user", null),
                Arguments.of(1, permanent, perm, "550 no such user", null),
                Arguments.of(0, retryable, temporary, "421 try later", NOW.plus(INTERVAL)),
                Arguments.of(1, retryable, temporary, "421 try later", NOW.plus(INTERVAL)),
                Arguments.of(2, retryable, perm, "gave up after 3 attempts; last error: 421 try later", null),
                Arguments.of(5, retryable, perm, "gave up after 6 attempts; last error: 421 try later", null),
                Arguments.of(0, throttled, temporary, "429", NOW.plus(Duration.ofMinutes(20))),
                Arguments.of(0, hugeHint, temporary, "429", NOW.plus(Duration.ofHours(1))),
                Arguments.of(2, throttled, perm, "gave up after 3 attempts; last error: 429", null));
    }

    @ParameterizedTest(name = "after {0} attempt(s), {1} → {2}")
    @MethodSource("table")
    void theVerdictDecidesTheNextState(
            int attemptsBefore, DeliveryResult verdict, String state, String reason, Instant nextAttempt) {
        LeasedMessage message = message(attemptsBefore);

        Outcome outcome = POLICY.decide(message, verdict, NOW);

        assertThat(outcome.id()).isEqualTo(message.id());
        assertThat(outcome.leasedUntil())
                .as("written under the lease it came from")
                .isEqualTo(LEASE);
        switch (outcome) {
            case Outcome.Sent sent -> assertThat(state).isEqualTo("sent");
            case Outcome.PermanentFailure failure -> {
                assertThat(state).isEqualTo("permanent_failure");
                assertThat(failure.reason()).isEqualTo(reason);
            }
            case Outcome.TemporaryFailure failure -> {
                assertThat(state).isEqualTo("temporary_failure");
                assertThat(failure.reason()).isEqualTo(reason);
                assertThat(failure.nextRetryAfter()).isEqualTo(nextAttempt);
            }
        }
    }

    private static LeasedMessage message(int attempts) {
        UUID id = UUID.randomUUID();
        return new LeasedMessage(
                id,
                UUID.randomUUID(),
                "Template Deleted",
                "title",
                "body",
                NotificationMethod.WEBHOOK,
                new MessagePayload(
                        "1.2",
                        "Template Deleted",
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "ada@example.com",
                        "Ada",
                        "ada",
                        List.of(),
                        Map.of(),
                        Map.of(),
                        List.of()),
                attempts,
                NOW.minusSeconds(60),
                LEASE,
                0);
    }
}
