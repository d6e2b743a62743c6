package dev.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code herald enqueue}: one notification for one user, through the API. */
@Command(
        name = "enqueue",
        description = "Enqueue one notification for one user (owners).",
        mixinStandardHelpOptions = true)
public final class EnqueueCommand extends AdminCommand {

    @Mixin
    ApiOptions api;

    @Option(names = "--template", required = true, description = "The template id.")
    String template;

    @Option(names = "--user", required = true, description = "The recipient: a user id or username.")
    String user;

    @Option(names = "--label", description = "A label, as key=value; repeat for more.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--data", description = "A data field for webhook receivers, as key=value; repeat for more.")
    Map<String, String> data = new LinkedHashMap<>();

    @Override
    void run() throws AdminClient.Failure {
        AdminClient client = api.client();
        String userId = client.get("/api/v2/users/" + user).path("id").asText();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("template_id", template);
        body.put("user_id", userId);
        body.put("labels", labels);
        body.put("data", data);
        JsonNode answer = client.post("/api/v2/notifications/messages", body);
        out().println("Enqueued: " + answer.path("message_id").asText());
    }
}
