package dev.herald.webhook.payload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.dispatch.DeliveryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each row of the classification table is a case. */
class WebhookClassifierTest {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "200, delivered",
        "201, delivered",
        "204, delivered",
        "410, permanent",
        "400, retryable",
        "401, retryable",
        "404, retryable",
        "422, retryable",
        "429, retryable",
        "301, retryable",
        "302, retryable",
        "500, retryable",
        "502, retryable",
        "503, retryable"
    })
    void statusTable(int status, String expected) {
        DeliveryResult result = WebhookClassifier.classify(status, null, "", NOW);

        String kind = switch (result) {
            case DeliveryResult.Delivered d -> "delivered";
            case DeliveryResult.Permanent p -> "permanent";
            case DeliveryResult.Retryable r -> "retryable";
        };
        assertThat(kind).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} with Retry-After {1} waits {2}s")
    @CsvSource({
        "429, 7, 7",
        "503, 120, 120",
        "503, 'Mon, 02 Mar 2026 10:05:00 GMT', 300",
        "503, 'Mon, 02 Mar 2026 09:00:00 GMT', 0"
    })
    void retryAfterIsHonouredOn429And503(int status, String header, long seconds) {
        DeliveryResult result = WebhookClassifier.classify(status, header, "", NOW);

        assertThat(result)
                .isInstanceOfSatisfying(
                        DeliveryResult.Retryable.class,
                        retryable -> assertThat(retryable.retryAfter()).contains(Duration.ofSeconds(seconds)));
    }

    @Test
    void retryAfterElsewhereOrGarbledIsIgnored() {
        assertThat(((DeliveryResult.Retryable) WebhookClassifier.classify(500, "30", "", NOW)).retryAfter())
                .isEmpty();
        assertThat(WebhookClassifier.retryAfter("soon", NOW)).isEqualTo(Optional.empty());
        assertThat(WebhookClassifier.retryAfter("-5", NOW)).isEmpty();
    }

    @Test
    void onlyACappedPrefixOfAnErrorBodyIsKept() {
        DeliveryResult result = WebhookClassifier.classify(500, null, "oops\n" + "x".repeat(10_000), NOW);

        assertThat(((DeliveryResult.Retryable) result).reason())
                .startsWith("webhook endpoint answered 500: oops x")
                .hasSizeLessThan(WebhookClassifier.MAX_BODY_PREFIX + 40);
    }
}
