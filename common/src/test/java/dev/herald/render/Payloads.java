package dev.herald.render;

import dev.herald.model.MessagePayload;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Payloads for rendering tests: a recipient, and the labels and actions a test cares about. */
final class Payloads {

    private Payloads() {}

    static MessagePayload payload(Map<String, String> labels, List<MessagePayload.Action> actions) {
        return new MessagePayload(
                "1.2",
                "Test",
                UUID.randomUUID(),
                UUID.randomUUID(),
                "a@example.com",
                "A",
                "a",
                actions,
                labels,
                null,
                null);
    }
}
