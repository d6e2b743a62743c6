package dev.herald.server.fleet;

import dev.herald.model.NotificationMethod;
import dev.herald.scheduler.RecoveryStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The fleet as one process can see it: every registered process and its roles, each dispatcher group's members,
 * partitions and lag, how old each method's waiting messages are, and what needs attention.
 */
public final class FleetView {

    /** Pending this long is worth a warning: the alert of the same name fires at this age too. */
    static final Duration OLD_PENDING = Duration.ofMinutes(10);

    /** How long one method's messages have waited. */
    public record Queue(String method, double oldestPendingSeconds, double oldestOverdueRetrySeconds) {}

    /** The whole view, taken at {@code at}. */
    public record Snapshot(
            Instant at,
            List<ProcessRegistry.Process> processes,
            List<ConsumerGroups.Group> groups,
            List<Queue> queues,
            List<String> warnings) {}

    private final ProcessRegistry registry;
    private final ConsumerGroups groups;
    private final RecoveryStore queues;
    private final Clock clock;

    public FleetView(ProcessRegistry registry, ConsumerGroups groups, DataSource dataSource, Clock clock) {
        this.registry = registry;
        this.groups = groups;
        this.queues = new RecoveryStore(dataSource);
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
        List<Queue> ages = new ArrayList<>();
        for (NotificationMethod method : NotificationMethod.values()) {
            RecoveryStore.QueueAge age = queues.queueAge(method, now);
            ages.add(new Queue(method.sqlName(), seconds(age.oldestPending()), seconds(age.oldestOverdueRetry())));
            if (age.oldestPending().compareTo(OLD_PENDING) > 0) {
                warnings.add("a pending " + method.sqlName() + " message has waited " + minutes(age.oldestPending())
                        + ": check the pause switch, the " + method.sqlName() + " dispatchers and the relay");
            }
        }
        for (ConsumerGroups.Group group : described) {
            if (group.members().isEmpty() && group.lag() > 0) {
                warnings.add("no dispatcher-" + group.method() + " is running, and " + group.lag()
                        + " token(s) wait in " + group.topic() + ": start one");
            }
        }
        if (processes.stream().noneMatch(process -> process.roles().contains("producer"))) {
            warnings.add("no producer is running: new messages are not relayed until one starts (the reconciler"
                    + " re-drives them meanwhile, after its grace)");
        }
        return new Snapshot(now, processes, described, ages, warnings);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    private static String minutes(Duration duration) {
        return duration.toMinutes() + " min";
    }
}
