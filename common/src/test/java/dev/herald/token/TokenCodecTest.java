package dev.herald.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.model.NotificationMethod;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TokenCodecTest {

    private final TokenCodec codec = new TokenCodec();

    @Test
    void roundTrips() {
        WorkToken token = new WorkToken(
                UUID.randomUUID(),
                NotificationMethod.WEBHOOK,
                UUID.randomUUID(),
                UUID.randomUUID(),
                Instant.parse("2026-03-02T10:15:30.123456Z"),
                2);

        assertThat(codec.decode(codec.encode(token))).isEqualTo(token);
        assertThat(new String(codec.encode(token), StandardCharsets.UTF_8))
                .startsWith("{\"v\":1,\"id\":\"" + token.messageId() + "\"");
    }

    @Test
    void fieldsANewerWriterAddsAreIgnored() {
        UUID id = UUID.randomUUID();
        String json = "{\"v\":1,\"id\":\"" + id + "\",\"method\":\"smtp\",\"attempt_count\":0,\"priority\":\"high\"}";

        assertThat(codec.decode(json.getBytes(StandardCharsets.UTF_8)).messageId())
                .isEqualTo(id);
    }

    @Test
    void whatIsNotATokenIsReportedNotGuessed() {
        assertThatThrownBy(() -> codec.decode("hello".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class)
                .hasMessageContaining("not a work token: hello");
        assertThatThrownBy(() -> codec.decode("{\"v\":9,\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class);
        assertThatThrownBy(() -> codec.decode(("{\"v\":1,\"id\":\"" + UUID.randomUUID() + "\",\"method\":\"fax\"}")
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class)
                .hasMessageContaining("invalid fields");
    }

    @Test
    void aRetryTokenIsWrittenFieldByFieldInItsDocumentedOrder() {
        UUID id = UUID.fromString("3c4c6a4e-2f5a-4a0e-9d1e-0d6f6b8c1a01");
        UUID template = UUID.fromString("f517da0b-cdc9-410f-ab89-a86107c420ed");
        WorkToken token = new WorkToken(
                id,
                NotificationMethod.SMTP,
                template,
                null,
                Instant.parse("2026-12-01T10:00:00Z"),
                3,
                Instant.parse("2026-12-01T10:05:00.5Z"));

        assertThat(new String(codec.encode(token), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"id\":\"" + id + "\",\"method\":\"smtp\",\"template_id\":\"" + template
                        + "\",\"created_at\":\"2026-12-01T10:00:00Z\",\"attempt_count\":3,"
                        + "\"not_before\":\"2026-12-01T10:05:00.500Z\"}");
        assertThat(codec.decode(codec.encode(token))).isEqualTo(token);
    }

    @Test
    void aNumberWrittenAsTextIsReadButAnObjectWhereTextBelongsIsRefused() {
        UUID id = UUID.randomUUID();
        String numbersAsText = "{\"v\":\"1\",\"id\":\"" + id + "\",\"method\":\"webhook\",\"attempt_count\":\"2\"}";
        assertThat(codec.decode(numbersAsText.getBytes(StandardCharsets.UTF_8)).attemptCount())
                .isEqualTo(2);

        assertThatThrownBy(() ->
                        codec.decode("{\"v\":1,\"id\":{\"a\":1},\"method\":\"smtp\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class)
                .hasMessageContaining("invalid fields");
        assertThatThrownBy(
                        () -> codec.decode(("{\"v\":1,\"id\":\"" + id + "\",\"method\":\"smtp\",\"attempt_count\":1.5}")
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class);
        assertThatThrownBy(() -> codec.decode("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedTokenException.class)
                .hasMessageContaining("not a work token");
    }

    @Test
    void timestampsAreReadExactlyAsJavaTimeReadsThem() {
        for (String text : List.of(
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:00:00.5Z",
                "2026-12-01T10:00:00.123456Z",
                "2026-12-01T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z",
                "2024-02-29T12:30:45.000001Z",
                "2026-12-01T24:00:00Z",
                "2026-12-01T10:00:00.Z",
                "2026-12-01T10:00:00+02:00")) {
            assertThat(TokenCodec.instant(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : List.of("2026-13-01T10:00:00Z", "2026-12-01T10:00:0xZ")) {
            assertThatThrownBy(() -> TokenCodec.instant(text)).as(text).isInstanceOf(java.time.DateTimeException.class);
        }
    }

    @Test
    void topicsFollowThePrefix() {
        TopicNames topics = new TopicNames("notifications");

        assertThat(topics.forMethod(NotificationMethod.SMTP)).isEqualTo("notifications.smtp");
        assertThat(topics.forMethod(NotificationMethod.WEBHOOK)).isEqualTo("notifications.webhook");
        assertThat(topics.forMethod(NotificationMethod.INBOX)).isEqualTo("notifications.inbox");
        assertThat(topics.retry()).isEqualTo("notifications.retry");
        assertThat(topics.workTopics())
                .containsExactly(
                        "notifications.smtp", "notifications.webhook", "notifications.inbox", "notifications.retry");
    }
}
