package dev.herald.server.web;

import dev.herald.model.NotificationMethod;
import dev.herald.server.fleet.ConsumerGroups;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.server.fleet.FleetView;
import dev.herald.server.fleet.ProcessRegistry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The fleet (owners): {@code /deployment/fleet} shows what {@code GET /api/v2/fleet} answers and refreshes itself
 * every few seconds without a reload; {@code /deployment/overview} charts the recorded history over the last hour or
 * day.
 */
final class FleetPages {

    static final String FLEET = "/deployment/fleet";
    static final String OVERVIEW = "/deployment/overview";

    /** How often the fleet page asks for a fresh view; herald.js reads it from the page. */
    static final Duration REFRESH = Duration.ofSeconds(5);

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** A chartable range: how far back, how wide each interval, how far apart the time labels. */
    private enum Range {
        HOUR("1h", "last hour", Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMinutes(10)),
        DAY("24h", "last 24 hours", Duration.ofHours(24), Duration.ofMinutes(10), Duration.ofHours(4));

        final String parameter;
        final String label;
        final Duration span;
        final Duration step;
        final Duration tick;

        Range(String parameter, String label, Duration span, Duration step, Duration tick) {
            this.parameter = parameter;
            this.label = label;
            this.span = span;
            this.step = step;
            this.tick = tick;
        }

        static Optional<Range> of(String parameter) {
            for (Range range : values()) {
                if (range.parameter.equals(parameter)) {
                    return Optional.of(range);
                }
            }
            return Optional.empty();
        }
    }

    private final FleetView fleet;
    private final FleetHistory history;
    private final WebSessions sessions;
    private final Pages pages;
    private final Clock clock;

    FleetPages(FleetView fleet, FleetHistory history, WebSessions sessions, Pages pages, Clock clock) {
        this.fleet = fleet;
        this.history = history;
        this.sessions = sessions;
        this.pages = pages;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get(FLEET, this::showFleet);
        routes.get(OVERVIEW, this::showOverview);
    }

    private void showFleet(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        Map<String, Object> view = fleetModel(fleet.snapshot());
        if ("1".equals(context.queryParam("fragment"))) {
            context.header("Cache-Control", "no-store");
            pages.fragment(context, "fleet-view", view);
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("view", pages.html("fleet-view", view));
        model.put("refreshMillis", REFRESH.toMillis());
        pages.render(context, 200, "fleet", "Fleet", session.get(), model);
    }

    private void showOverview(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        String parameter = Optional.ofNullable(context.queryParam("range")).orElse(Range.HOUR.parameter);
        Optional<Range> range = Range.of(parameter);
        if (range.isEmpty()) {
            pages.problem(
                    context,
                    400,
                    session.get(),
                    "No such range",
                    "\"range\" must be 1h or 24h; \"" + parameter + "\" is neither.");
            return;
        }
        pages.render(context, 200, "overview", "Overview", session.get(), overviewModel(range.get()));
    }

    private Map<String, Object> fleetModel(FleetView.Snapshot snapshot) {
        Instant now = snapshot.at();
        Map<String, Object> model = new HashMap<>();
        model.put("at", WHEN.format(now));
        model.put("warnings", snapshot.warnings());
        model.put("healthy", snapshot.warnings().isEmpty());
        Map<UUID, ProcessRegistry.Process> byId = new HashMap<>();
        List<Map<String, Object>> processes = new ArrayList<>();
        for (ProcessRegistry.Process process : snapshot.processes()) {
            byId.put(process.id(), process);
            List<String> states = new ArrayList<>();
            process.details()
                    .properties()
                    .forEach(role -> states.add(
                            role.getKey() + ": " + role.getValue().path("state").asText("?")));
            Map<String, Object> row = new HashMap<>();
            row.put("id", shortId(process.id()));
            row.put("host", process.host());
            row.put("pid", process.pid());
            row.put("roles", String.join(", ", process.roles()));
            row.put("states", String.join(" · ", states));
            row.put("version", process.version());
            row.put("started", ago(process.startedAt(), now));
            row.put("heartbeat", ago(process.heartbeatAt(), now));
            processes.add(row);
        }
        model.put("processes", processes);
        FleetView.Relay relay = snapshot.relay();
        Map<String, Object> relayModel = new HashMap<>();
        relayModel.put("slot", relay.slot());
        relayModel.put(
                "slotState",
                !relay.slotExists() ? "not created yet" : relay.slotActive() ? "active" : "inactive (nobody reads it)");
        relayModel.put(
                "slotLag",
                relay.slotLagBytes() == null
                        ? "-"
                        : bytes(relay.slotLagBytes()) + " (warning above " + bytes(relay.slotLagWarningBytes()) + ")");
        relayModel.put(
                "slotLagHigh", relay.slotLagBytes() != null && relay.slotLagBytes() > relay.slotLagWarningBytes());
        relayModel.put(
                "active",
                relay.activeProcess() == null ? "none" : shortId(relay.activeProcess()) + " on " + relay.activeHost());
        relayModel.put("state", relay.state());
        relayModel.put("lastRelayed", relay.lastRelayedAt() == null ? "not yet" : ago(relay.lastRelayedAt(), now));
        relayModel.put("problem", relay.problem());
        relayModel.put("hasProblem", !relay.problem().isEmpty());
        model.put("relay", relayModel);
        List<Map<String, Object>> schedulers = new ArrayList<>();
        for (FleetView.Scheduler scheduler : snapshot.schedulers()) {
            Map<String, Object> row = new HashMap<>();
            row.put("process", shortId(scheduler.process()) + " on " + scheduler.host());
            row.put("state", scheduler.state());
            row.put("timers", (scheduler.timersExact() ? "" : "about ") + scheduler.timersPending());
            row.put("nextDue", scheduler.nextDue() == null ? "-" : until(scheduler.nextDue(), now));
            row.put("partitions", partitions(scheduler.partitions()));
            schedulers.add(row);
        }
        model.put("schedulers", schedulers);
        model.put("noSchedulers", schedulers.isEmpty());
        FleetView.Reconciler reconciler = snapshot.reconciler();
        if (reconciler != null) {
            Map<String, Object> reconcilerModel = new HashMap<>();
            reconcilerModel.put("active", shortId(reconciler.activeProcess()) + " on " + reconciler.activeHost());
            reconcilerModel.put(
                    "lastPass", reconciler.lastPassAt() == null ? "not yet" : ago(reconciler.lastPassAt(), now));
            reconcilerModel.put(
                    "redriven",
                    reconciler.redriven() == null
                            ? "-"
                            : String.join(
                                    ", ",
                                    reconciler.redriven().entrySet().stream()
                                            .map(entry -> entry.getKey().replace('_', ' ') + " " + entry.getValue())
                                            .toList()));
            reconcilerModel.put("gaveUp", reconciler.gaveUp() == null ? "-" : reconciler.gaveUp());
            reconcilerModel.put("purged", reconciler.purged() == null ? "-" : reconciler.purged());
            model.put("reconciler", reconcilerModel);
        }
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ConsumerGroups.Group group : snapshot.groups()) {
            Map<String, Object> row = new HashMap<>();
            row.put("method", group.method());
            row.put("group", group.group());
            row.put("topic", group.topic());
            row.put("state", group.state());
            row.put("lag", group.lag());
            List<Map<String, Object>> members = new ArrayList<>();
            for (ConsumerGroups.Member member : group.members()) {
                ProcessRegistry.Process process = member.processId() == null ? null : byId.get(member.processId());
                members.add(Map.of(
                        "name",
                        process == null
                                ? member.clientId() + " (" + member.host() + ")"
                                : shortId(process.id()) + " on " + process.host() + ", pid " + process.pid(),
                        "partitions",
                        partitions(member.partitions())));
            }
            row.put("members", members);
            row.put("noMembers", members.isEmpty());
            row.put("partitions", group.partitions());
            groups.add(row);
        }
        model.put("groups", groups);
        List<Map<String, Object>> queues = new ArrayList<>();
        for (FleetView.Queue queue : snapshot.queues()) {
            queues.add(Map.of(
                    "method", queue.method(),
                    "waiting", queue.waiting(),
                    "oldestPending", seconds(queue.oldestPendingSeconds()),
                    "oldestRetry", seconds(queue.oldestOverdueRetrySeconds())));
        }
        model.put("queues", queues);
        model.put(
                "historyThrough",
                snapshot.historyThrough() == null ? "nothing recorded yet" : WHEN.format(snapshot.historyThrough()));
        return model;
    }

    private Map<String, Object> overviewModel(Range range) throws SQLException {
        Instant to = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant from = to.minus(range.span);
        List<FleetHistory.Interval> intervals = history.intervals(from, to, range.step);
        double perMinute = range.step.toMinutes();
        String per = range.step.toMinutes() == 1 ? "" : " (average of each " + range.step.toMinutes() + " min)";
        String worst = range.step.toMinutes() == 1 ? "" : " (worst minute of each " + range.step.toMinutes() + ")";
        Map<String, Map.Entry<String, Function<FleetHistory.Interval, Double>>> shown = new LinkedHashMap<>();
        shown.put("delivered", Map.entry("Delivered per minute" + per, interval -> interval.delivered() / perMinute));
        shown.put("failed", Map.entry("Failed per minute" + per, interval -> interval.failed() / perMinute));
        shown.put(
                "latency-p50",
                Map.entry("Enqueue to delivered, p50 in ms" + worst, FleetHistory.Interval::latencyP50Millis));
        shown.put(
                "latency-p99",
                Map.entry("Enqueue to delivered, p99 in ms" + worst, FleetHistory.Interval::latencyP99Millis));
        shown.put(
                "queue-depth",
                Map.entry(
                        "Messages on their way (pending, leased, awaiting retry)",
                        interval -> interval.queueDepth() == null
                                ? null
                                : interval.queueDepth().doubleValue()));
        shown.put(
                "consumer-lag",
                Map.entry(
                        "Dispatcher consumer lag (tokens)",
                        interval -> interval.consumerLag() == null
                                ? null
                                : interval.consumerLag().doubleValue()));
        List<Map<String, Object>> charts = new ArrayList<>();
        shown.forEach(
                (id, chart) -> charts.add(chart(id, chart.getKey(), range, from, to, intervals, chart.getValue())));
        Map<String, Object> model = new HashMap<>();
        model.put("charts", charts);
        model.put("rangeLabel", range.label);
        model.put("hour", range == Range.HOUR);
        model.put("day", range == Range.DAY);
        model.put("from", WHEN.format(from));
        model.put("to", WHEN.format(to));
        model.put("empty", intervals.isEmpty());
        return model;
    }

    private static Map<String, Object> chart(
            String id,
            String title,
            Range range,
            Instant from,
            Instant to,
            List<FleetHistory.Interval> intervals,
            Function<FleetHistory.Interval, Double> value) {
        Map<String, Map<Instant, Double>> byMethod = new LinkedHashMap<>();
        for (NotificationMethod method : NotificationMethod.values()) {
            byMethod.put(method.sqlName(), new HashMap<>());
        }
        for (FleetHistory.Interval interval : intervals) {
            byMethod.get(interval.method()).put(interval.start(), value.apply(interval));
        }
        List<LineChart.Series> series = new ArrayList<>();
        List<Map<String, Object>> legend = new ArrayList<>();
        for (Map.Entry<String, Map<Instant, Double>> method : byMethod.entrySet()) {
            List<LineChart.Point> points = new ArrayList<>();
            for (Instant at = from; at.isBefore(to); at = at.plus(range.step)) {
                points.add(new LineChart.Point(at, method.getValue().get(at)));
            }
            series.add(new LineChart.Series(method.getKey(), "s-" + method.getKey(), points));
            Double latest = null;
            for (LineChart.Point point : points) {
                latest = point.value() == null ? latest : point.value();
            }
            legend.add(Map.of(
                    "name",
                    method.getKey(),
                    "cssClass",
                    "s-" + method.getKey(),
                    "latest",
                    latest == null ? "no data" : "latest " + LineChart.number(latest)));
        }
        String label = title + ", " + range.label + ", by method";
        return Map.of(
                "id",
                id,
                "title",
                title,
                "svg",
                LineChart.svg("chart-" + id, label, from, to, range.tick, series),
                "legend",
                legend);
    }

    private static String shortId(UUID id) {
        return id.toString().substring(0, 8);
    }

    private static String partitions(List<Integer> partitions) {
        return partitions.isEmpty()
                ? "none"
                : String.join(", ", partitions.stream().map(String::valueOf).toList());
    }

    static String ago(Instant then, Instant now) {
        return span(Duration.between(then, now)) + " ago";
    }

    static String until(Instant then, Instant now) {
        Duration left = Duration.between(now, then);
        return left.isNegative() ? "due " + span(left.negated()) + " ago" : "in " + span(left);
    }

    private static String span(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        if (seconds < 2 * 3600) {
            return seconds / 60 + " min";
        }
        return seconds / 3600 + " h";
    }

    private static String seconds(double seconds) {
        return seconds == 0 ? "-" : span(Duration.ofMillis((long) (seconds * 1000)));
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1L << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
