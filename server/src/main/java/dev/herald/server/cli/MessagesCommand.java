package dev.herald.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code herald messages list|retry}: troubleshooting from the message table. */
@Command(
        name = "messages",
        description = "List messages and their state, re-drive failed ones (owners).",
        mixinStandardHelpOptions = true,
        subcommands = {MessagesCommand.ListMessages.class, MessagesCommand.Retry.class})
public final class MessagesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Without a subcommand, say which there are. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "Messages, newest first, with their status and last error.")
    static final class ListMessages extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Option(
                names = "--status",
                description = "pending, leased, sent, temporary_failure, permanent_failure, inhibited")
        String status;

        @Option(names = "--user", description = "A user id or username.")
        String user;

        @Option(names = "--template", description = "A template id.")
        String template;

        @Option(names = "--method", description = "smtp or webhook.")
        String method;

        @Option(
                names = "--limit",
                defaultValue = "50",
                description = "At most this many (1-500). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Override
        void run() throws AdminClient.Failure {
            Map<String, String> query = new LinkedHashMap<>();
            putIfSet(query, "status", status);
            putIfSet(query, "user", user);
            putIfSet(query, "template_id", template);
            putIfSet(query, "method", method);
            query.put("limit", String.valueOf(limit));
            String path = "/api/v2/notifications/messages?"
                    + query.entrySet().stream()
                            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                            .collect(Collectors.joining("&"));
            JsonNode page = api.client().get(path);
            out().printf(
                            "%-36s  %-17s  %-7s  %8s  %-20s  %-12s  %s%n",
                            "ID", "STATUS", "METHOD", "ATTEMPTS", "CREATED", "USER", "TEMPLATE / REASON");
            for (JsonNode message : page.path("messages")) {
                out().printf(
                                "%-36s  %-17s  %-7s  %8d  %-20s  %-12s  %s%s%n",
                                message.path("id").asText(),
                                message.path("status").asText(),
                                message.path("method").asText(),
                                message.path("attempt_count").asInt(),
                                message.path("created_at").asText().replaceAll("\\.\\d+Z$", "Z"),
                                message.path("username").asText(),
                                message.path("template_name").asText(),
                                message.path("status_reason").isNull()
                                                || message.path("status_reason")
                                                        .asText()
                                                        .isEmpty()
                                        ? ""
                                        : " — " + message.path("status_reason").asText());
            }
            if (!page.path("next_before").isNull()) {
                out().println("(more: raise --limit or filter further)");
            }
        }

        private static void putIfSet(Map<String, String> query, String name, String value) {
            if (value != null && !value.isBlank()) {
                query.put(name, value);
            }
        }
    }

    @Command(name = "retry", description = "Give a permanently failed message a fresh set of attempts.")
    static final class Retry extends AdminCommand {
        @Mixin
        ApiOptions api;

        @Parameters(index = "0", description = "The message id.")
        String id;

        @Override
        void run() throws AdminClient.Failure {
            JsonNode message = api.client().post("/api/v2/notifications/messages/" + id + "/retry", null);
            out().println("Message " + message.path("id").asText() + " re-driven; it is now "
                    + message.path("status").asText() + ".");
        }
    }
}
