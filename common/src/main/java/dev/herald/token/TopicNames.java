package dev.herald.token;

import dev.herald.model.NotificationMethod;
import java.util.List;

/** Herald's topic names, all derived from one prefix: {@code <prefix>.smtp}, {@code <prefix>.webhook}, ... */
public record TopicNames(String prefix) {

    /** The work topic of a delivery method. */
    public String forMethod(NotificationMethod method) {
        return prefix + "." + method.sqlName();
    }

    /** Retry tokens, written by dispatchers after a temporary failure. */
    public String retry() {
        return prefix + ".retry";
    }

    /** The CDC relay's durable position in the database's write-ahead log. */
    public String relayOffsets() {
        return prefix + ".relay-offsets";
    }

    /** The topics that carry work tokens and need the configured partition count. */
    public List<String> workTopics() {
        return List.of(
                forMethod(NotificationMethod.SMTP),
                forMethod(NotificationMethod.WEBHOOK),
                forMethod(NotificationMethod.INBOX),
                retry());
    }
}
