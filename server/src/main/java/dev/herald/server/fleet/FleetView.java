package dev.herald.server.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.config.RelayConfig;
import dev.herald.model.NotificationMethod;
import dev.herald.scheduler.RecoveryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The fleet as one process can see it: every registered process and its roles, the relay and its replication slot,
 * each retry scheduler's timers and the reconciler's last pass, each dispatcher group's members, partitions and lag,
 * how many messages wait and for how long, and what needs attention.
 */
public final class FleetView {

    /** Pending this long is worth a warning: the alert of the same name fires at this age too. */
    static final Duration OLD_PENDING = Duration.ofMinutes(10);

    /** Lag that rose over this many sampled minutes in a row is "growing". */
    static final int LAG_GROWING_MINUTES = 5;

    private static final String PRODUCER = "producer";
    private static final String SCHEDULER = "retry-scheduler";

    /** How many messages of one method are on their way, and how long they have waited. */
    public record Queue(String method, int waiting, double oldestPendingSeconds, double oldestOverdueRetrySeconds) {}

    /**
     * The relay as the replication slot and the relay replicas report it.
     *
     * @param slotExists false until a relay first streamed, or after the slot was dropped
     * @param slotLagBytes the write-ahead log the slot holds back; null when the slot does not exist
     * @param activeProcess the registered process whose relay holds the lock; null when none does
     * @param state the active relay's state (streaming, starting, restarting), or "none"
     * @param lastRelayedAt when the active relay last published a token; null when it has not yet
     * @param problem why the active relay is not streaming, with the fix; empty when it is
     */
    public record Relay(
            String slot,
            boolean slotExists,
            boolean slotActive,
            Long slotLagBytes,
            long slotLagWarningBytes,
            UUID activeProcess,
            String activeHost,
            String state,
            Instant lastRelayedAt,
            String problem) {}

    /** One retry scheduler replica and the timers of the partitions it holds. */
    public record Scheduler(
            UUID process,
            String host,
            String state,
            long timersPending,
            boolean timersExact,
            Instant nextDue,
            List<Integer> partitions) {}

    /**
     * The reconciler: which replica runs it and what its last pass did; every field but {@code activeProcess} is
     * null until the active replica finished a pass.
     */
    public record Reconciler(
            UUID activeProcess,
            String activeHost,
            Instant lastPassAt,
            Map<String, Integer> redriven,
            Integer gaveUp,
            Integer purged) {}

    /** The whole view, taken at {@code at}; {@code historyThrough} is the end of the newest recorded minute. */
    public record Snapshot(
            Instant at,
            List<ProcessRegistry.Process> processes,
            Relay relay,
            List<Scheduler> schedulers,
            Reconciler reconciler,
            List<ConsumerGroups.Group> groups,
            List<Queue> queues,
            Instant historyThrough,
            List<String> warnings) {}

    private final ProcessRegistry registry;
    private final ConsumerGroups groups;
    private final DataSource dataSource;
    private final RecoveryStore queues;
    private final FleetHistory history;
    private final RelayConfig relayConfig;
    private final Clock clock;

    public FleetView(
            ProcessRegistry registry,
            ConsumerGroups groups,
            DataSource dataSource,
            FleetHistory history,
            RelayConfig relayConfig,
            Clock clock) {
        this.registry = registry;
        this.groups = groups;
        this.dataSource = dataSource;
        this.queues = new RecoveryStore(dataSource);
        this.history = history;
        this.relayConfig = relayConfig;
        this.clock = clock;
    }

    public Snapshot snapshot() throws SQLException {
        Instant now = clock.instant();
        List<String> warnings = new ArrayList<>();
        List<ProcessRegistry.Process> processes = registry.live();
        List<ConsumerGroups.Group> described = List.of();
        try {
            described = groups.describe();
        } catch (ConsumerGroups.FleetUnavailable e) {
            warnings.add(e.getMessage());
        }
        Relay relay = relay(processes, warnings);
        List<Scheduler> schedulers = schedulers(processes);
        Reconciler reconciler = reconciler(processes);
        if (!anyRuns(processes, SCHEDULER)) {
            warnings.add("no retry-scheduler is running: failed messages are not retried and stalled ones are not"
                    + " re-driven until one starts; start one");
        }
        Map<NotificationMethod, Integer> waiting = history.queueDepth();
        List<Queue> ages = new ArrayList<>();
        for (NotificationMethod method : NotificationMethod.values()) {
            RecoveryStore.QueueAge age = queues.queueAge(method, now);
            ages.add(new Queue(
                    method.sqlName(),
                    waiting.get(method),
                    seconds(age.oldestPending()),
                    seconds(age.oldestOverdueRetry())));
            String role = "dispatcher-" + method.sqlName();
            if (waiting.get(method) > 0 && !anyRuns(processes, role)) {
                warnings.add("no " + role + " is running, and " + waiting.get(method) + " " + method.sqlName()
                        + " message(s) wait: start one (or route their events to another method)");
            } else if (age.oldestPending().compareTo(OLD_PENDING) > 0) {
                warnings.add("a pending " + method.sqlName() + " message has waited " + minutes(age.oldestPending())
                        + ": check the pause switch, the " + method.sqlName() + " dispatchers and the relay");
            }
        }
        for (ConsumerGroups.Group group : described) {
            if (group.members().isEmpty() && group.lag() > 0) {
                warnings.add("no dispatcher-" + group.method() + " is consuming, and " + group.lag()
                        + " token(s) wait in " + group.topic() + ": start one");
            } else {
                lagGrowing(group).ifPresent(warnings::add);
            }
        }
        Instant historyThrough = history.lastMinute()
                .map(last -> last.plus(Duration.ofMinutes(1)))
                .orElse(null);
        return new Snapshot(now, processes, relay, schedulers, reconciler, described, ages, historyThrough, warnings);
    }

    private Relay relay(List<ProcessRegistry.Process> processes, List<String> warnings) throws SQLException {
        String slot = relayConfig.slotName();
        boolean exists = false;
        boolean active = false;
        Long lag = null;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement("""
                        SELECT active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint
                        FROM pg_replication_slots WHERE slot_name = ?
                        """)) {
            select.setString(1, slot);
            try (ResultSet row = select.executeQuery()) {
                if (row.next()) {
                    exists = true;
                    active = row.getBoolean(1);
                    long bytes = row.getLong(2);
                    lag = row.wasNull() ? null : bytes;
                }
            }
        }
        ProcessRegistry.Process leader = null;
        for (ProcessRegistry.Process process : processes) {
            String state = process.role(PRODUCER).path("state").asText("");
            if (state.equals("streaming") || state.equals("starting") || state.equals("restarting")) {
                leader = process;
            }
        }
        JsonNode report = leader == null ? null : leader.role(PRODUCER);
        String state = report == null ? "none" : report.path("state").asText();
        String problem = report == null ? "" : report.path("reason").asText("");
        if (!anyRuns(processes, PRODUCER)) {
            warnings.add("no producer is running: new messages are not relayed until one starts (the reconciler"
                    + " re-drives them meanwhile, after its grace)");
        } else if (leader == null) {
            warnings.add("no relay is active: every producer is on standby or cannot reach PostgreSQL, so new"
                    + " messages are not relayed; read the producers' log");
        } else if (!problem.isEmpty()) {
            warnings.add("the relay is " + state + ": " + problem);
        }
        if (lag != null && lag > relayConfig.slotLagWarningBytes()) {
            warnings.add("the replication slot " + slot + " holds back " + lag + " bytes of write-ahead log, more than"
                    + " --relay-slot-lag-warning (" + relayConfig.slotLagWarningBytes() + "): check that the relay"
                    + " keeps up; a slot no relay reads should be dropped (README: Dropping or resetting the slot)");
        }
        return new Relay(
                slot,
                exists,
                active,
                lag,
                relayConfig.slotLagWarningBytes(),
                leader == null ? null : leader.id(),
                leader == null ? null : leader.host(),
                state,
                report == null ? null : instant(report.path("last_relayed_at")),
                problem);
    }

    private static List<Scheduler> schedulers(List<ProcessRegistry.Process> processes) {
        List<Scheduler> schedulers = new ArrayList<>();
        for (ProcessRegistry.Process process : processes) {
            JsonNode report = process.role(SCHEDULER);
            if (report.isMissingNode()) {
                continue;
            }
            List<Integer> partitions = new ArrayList<>();
            report.path("partitions").forEach(partition -> partitions.add(partition.asInt()));
            schedulers.add(new Scheduler(
                    process.id(),
                    process.host(),
                    report.path("state").asText(),
                    report.path("timers_pending").asLong(),
                    report.path("timers_exact").asBoolean(true),
                    instant(report.path("next_due")),
                    partitions));
        }
        return schedulers;
    }

    private static Reconciler reconciler(List<ProcessRegistry.Process> processes) {
        for (ProcessRegistry.Process process : processes) {
            JsonNode report = process.role(SCHEDULER);
            if (!report.path("reconciler_active").asBoolean(false)) {
                continue;
            }
            JsonNode pass = report.path("reconciler_last_pass");
            if (pass.isMissingNode()) {
                return new Reconciler(process.id(), process.host(), null, null, null, null);
            }
            Map<String, Integer> redriven = new LinkedHashMap<>();
            pass.path("redriven")
                    .properties()
                    .forEach(entry ->
                            redriven.put(entry.getKey(), entry.getValue().asInt()));
            return new Reconciler(
                    process.id(),
                    process.host(),
                    instant(pass.path("finished_at")),
                    redriven,
                    pass.path("gave_up").asInt(),
                    pass.path("purged").asInt());
        }
        return null;
    }

    /** Lag that rose in every one of the last sampled minutes says the dispatchers fall behind. */
    private Optional<String> lagGrowing(ConsumerGroups.Group group) throws SQLException {
        List<Long> lags = history.recentLag(NotificationMethod.fromSql(group.method()), LAG_GROWING_MINUTES);
        if (lags.size() < LAG_GROWING_MINUTES) {
            return Optional.empty();
        }
        for (int i = 1; i < lags.size(); i++) {
            if (lags.get(i) <= lags.get(i - 1)) {
                return Optional.empty();
            }
        }
        return Optional.of("the dispatcher-" + group.method() + " group's lag grew in each of the last "
                + LAG_GROWING_MINUTES + " minutes, from " + lags.getFirst() + " to " + lags.getLast()
                + ": add dispatcher-" + group.method() + " replicas (up to the topic's "
                + group.partitions().size()
                + " partitions) or raise --notifications-max-inflight-sends");
    }

    private static boolean anyRuns(List<ProcessRegistry.Process> processes, String role) {
        return processes.stream().anyMatch(process -> process.roles().contains(role));
    }

    private static Instant instant(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String minutes(Duration duration) {
        return duration.toMinutes() + " min";
    }
}
