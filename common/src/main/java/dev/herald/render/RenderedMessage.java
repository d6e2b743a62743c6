package dev.herald.render;

import dev.herald.model.MessagePayload.Action;
import java.util.List;

/** A message after its templates were filled in: the title, the Markdown body and the actions with real URLs. */
public record RenderedMessage(String title, String bodyMarkdown, List<Action> actions) {

    public RenderedMessage {
        actions = List.copyOf(actions);
    }
}
