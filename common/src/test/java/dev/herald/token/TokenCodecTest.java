package dev.herald.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.model.NotificationMethod;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
