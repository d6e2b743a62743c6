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
        description = "Show the deployment's processes, the relay and its slot, the retry schedulers' timers, the"
                + " reconciler's last pass, dispatcher groups with their partitions and lag, waiting messages and"
                + " their age, and what needs attention (owners).",
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
                    shortId(process.path("id")),
                    process.path("host").asText(),
                    process.path("pid").asText(),
                    String.join(",", roles),
                    process.path("version").asText(),
                    process.path("started_at").asText(),
                    process.path("heartbeat_at").asText());
        }
        JsonNode relay = fleet.path("relay");
        Table relays =
                new Table("RELAY SLOT", "SLOT ACTIVE", "SLOT LAG (bytes)", "ACTIVE REPLICA", "STATE", "LAST RELAYED");
        relays.row(
                relay.path("slot").asText(),
                relay.path("slot_exists").asBoolean()
                        ? relay.path("slot_active").asText()
                        : "(no slot yet)",
                orDash(relay.path("slot_lag_bytes")),
                relay.path("active_process").isNull()
                        ? "(none)"
                        : shortId(relay.path("active_process")) + " on "
                                + relay.path("active_host").asText(),
                relay.path("state").asText(),
                orDash(relay.path("last_relayed_at")));
        Table schedulers = new Table("RETRY SCHEDULER", "HOST", "STATE", "TIMERS PENDING", "NEXT DUE", "PARTITIONS");
        for (JsonNode scheduler : fleet.path("schedulers")) {
            schedulers.row(
                    shortId(scheduler.path("process")),
                    scheduler.path("host").asText(),
                    scheduler.path("state").asText(),
                    (scheduler.path("timers_exact").asBoolean(true) ? "" : "about ")
                            + scheduler.path("timers_pending").asText(),
                    orDash(scheduler.path("next_due")),
                    scheduler.path("partitions").toString());
        }
        JsonNode reconciler = fleet.path("reconciler");
        Table reconcilers = new Table("RECONCILER", "LAST PASS", "RE-DRIVEN", "GAVE UP", "PURGED");
        if (reconciler.isObject()) {
            reconcilers.row(
                    shortId(reconciler.path("active_process")) + " on "
                            + reconciler.path("active_host").asText(),
                    orDash(reconciler.path("last_pass_at")),
                    reconciler.path("redriven").isObject()
                            ? reconciler.path("redriven").toString()
                            : "-",
                    orDash(reconciler.path("gave_up")),
                    orDash(reconciler.path("purged")));
        } else {
            reconcilers.row("(none active)", "-", "-", "-", "-");
        }
        Table groups = new Table("METHOD", "GROUP", "STATE", "MEMBER", "PROCESS", "HOST", "PARTITIONS");
        Table partitions = new Table("METHOD", "PARTITION", "COMMITTED", "END", "LAG");
        for (JsonNode group : fleet.path("groups")) {
            if (group.path("members").isEmpty()) {
                groups.row(
                        group.path("method").asText(),
                        group.path("group").asText(),
                        group.path("state").asText(),
                        "(none)",
                        "",
                        "",
                        "");
            }
            for (JsonNode member : group.path("members")) {
                groups.row(
                        group.path("method").asText(),
                        group.path("group").asText(),
                        group.path("state").asText(),
                        member.path("client_id").asText(),
                        member.path("process_id").isNull() ? "-" : shortId(member.path("process_id")),
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
        Table queues = new Table("METHOD", "WAITING", "OLDEST PENDING (s)", "OLDEST OVERDUE RETRY (s)");
        for (JsonNode queue : fleet.path("queues")) {
            queues.row(
                    queue.path("method").asText(),
                    queue.path("waiting").asText(),
                    queue.path("oldest_pending_seconds").asText(),
                    queue.path("oldest_overdue_retry_seconds").asText());
        }
        processes.print(out());
        out().println();
        relays.print(out());
        out().println();
        schedulers.print(out());
        out().println();
        reconcilers.print(out());
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

    private static String shortId(JsonNode id) {
        return id.asText().length() >= 8 ? id.asText().substring(0, 8) : id.asText();
    }

    private static String orDash(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
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
