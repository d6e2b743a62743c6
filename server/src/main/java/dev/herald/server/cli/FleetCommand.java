package dev.herald.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.server.api.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code herald fleet}: what {@code GET /api/v2/fleet} answers, as aligned tables or as JSON. */
@Command(
        name = "fleet",
        description = "Show the deployment's processes, dispatcher groups with their partitions and lag, the age of"
                + " waiting messages, and what needs attention (owners).",
        mixinStandardHelpOptions = true)
public final class FleetCommand extends AdminCommand {

    @Mixin
    ApiOptions api;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    void run() throws AdminClient.Failure {
        JsonNode fleet = api.client().get("/api/v2/fleet");
        if (json) {
            try {
                out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(fleet));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        Table processes = new Table("PROCESS", "HOST", "PID", "ROLES", "VERSION", "STARTED", "LAST HEARTBEAT");
        for (JsonNode process : fleet.path("processes")) {
            List<String> roles = new ArrayList<>();
            process.path("roles").forEach(role -> roles.add(role.asText()));
            processes.row(
                    process.path("id").asText().substring(0, 8),
                    process.path("host").asText(),
                    process.path("pid").asText(),
                    String.join(",", roles),
                    process.path("version").asText(),
                    process.path("started_at").asText(),
                    process.path("heartbeat_at").asText());
        }
        Table groups = new Table("METHOD", "GROUP", "STATE", "MEMBER", "HOST", "PARTITIONS");
        Table partitions = new Table("METHOD", "PARTITION", "COMMITTED", "END", "LAG");
        for (JsonNode group : fleet.path("groups")) {
            if (group.path("members").isEmpty()) {
                groups.row(
                        group.path("method").asText(),
                        group.path("group").asText(),
                        group.path("state").asText(),
                        "(none)",
                        "",
                        "");
            }
            for (JsonNode member : group.path("members")) {
                groups.row(
                        group.path("method").asText(),
                        group.path("group").asText(),
                        group.path("state").asText(),
                        member.path("client_id").asText(),
                        member.path("host").asText(),
                        member.path("partitions").toString());
            }
            for (JsonNode partition : group.path("partitions")) {
                partitions.row(
                        group.path("method").asText(),
                        partition.path("partition").asText(),
                        partition.path("committed").isNull()
                                ? "-"
                                : partition.path("committed").asText(),
                        partition.path("end").asText(),
                        partition.path("lag").asText());
            }
        }
        Table queues = new Table("METHOD", "OLDEST PENDING (s)", "OLDEST OVERDUE RETRY (s)");
        for (JsonNode queue : fleet.path("queues")) {
            queues.row(
                    queue.path("method").asText(),
                    queue.path("oldest_pending_seconds").asText(),
                    queue.path("oldest_overdue_retry_seconds").asText());
        }
        processes.print(out());
        out().println();
        groups.print(out());
        out().println();
        partitions.print(out());
        out().println();
        queues.print(out());
        out().println();
        if (fleet.path("warnings").isEmpty()) {
            out().println("Nothing needs attention.");
        }
        for (JsonNode warning : fleet.path("warnings")) {
            out().println("WARNING: " + warning.asText());
        }
    }

    /** Columns padded to their widest cell. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(java.io.PrintWriter out) {
            int[] widths = new int[rows.getFirst().length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
        }
    }
}
