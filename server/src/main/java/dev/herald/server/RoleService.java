package dev.herald.server;

import dev.herald.server.health.RoleStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One running part of the server: started once, asked how it is doing, stopped gracefully.
 *
 * @param name what {@code /readyz} and the logs call it
 * @param status ready to do its job (streaming, consuming its partitions, holding its timers), or why not
 * @param details what the fleet view shows of it beyond its status (the relay's slot, the scheduler's timers), as
 *     JSON-ready values with snake_case names
 */
record RoleService(
        String name,
        Runnable starter,
        Supplier<RoleStatus> status,
        Supplier<Map<String, Object>> details,
        Runnable stopper)
        implements AutoCloseable {

    RoleService(String name, Runnable starter, Supplier<RoleStatus> status, Runnable stopper) {
        this(name, starter, status, Map::of, stopper);
    }

    void start() {
        starter.run();
    }

    RoleStatus currentStatus() {
        return status.get();
    }

    /** Its status and details as one JSON object: state, ready, reason, then what the role adds. */
    Map<String, Object> report() {
        RoleStatus now = status.get();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("state", now.state());
        report.put("ready", now.ready());
        report.put("reason", now.reason());
        report.putAll(details.get());
        return report;
    }

    @Override
    public void close() {
        stopper.run();
    }
}
