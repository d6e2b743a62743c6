package dev.herald.server.health;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@code /healthz} (the process lives) and {@code /readyz} (every role can do its job, and the database answers),
 * served by every {@code herald server} whatever its roles, so that any worker container can be probed.
 */
public final class Probes {

    private final DataSource dataSource;
    private final Supplier<List<RoleStatus>> roles;

    public Probes(DataSource dataSource, Supplier<List<RoleStatus>> roles) {
        this.dataSource = dataSource;
        this.roles = roles;
    }

    public void register(RoutesConfig routes) {
        routes.get("/healthz", context -> context.contentType("text/plain").result("OK"));
        routes.get("/readyz", this::ready);
    }

    private void ready(Context context) {
        List<RoleStatus> statuses = new ArrayList<>(roles.get());
        statuses.add(database());
        List<String> waiting = statuses.stream()
                .filter(status -> !status.ready())
                .map(RoleStatus::role)
                .toList();
        List<Map<String, Object>> shown = statuses.stream()
                .map(status -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("role", status.role());
                    entry.put("ready", status.ready());
                    entry.put("state", status.state());
                    entry.put("reason", status.reason());
                    return entry;
                })
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", waiting.isEmpty());
        body.put("waiting_for", waiting);
        body.put("roles", shown);
        context.status(waiting.isEmpty() ? 200 : 503).json(body);
    }

    private RoleStatus database() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2)
                    ? RoleStatus.ready("database", "reachable")
                    : RoleStatus.notReady("database", "unreachable", "PostgreSQL did not answer within 2 s");
        } catch (SQLException e) {
            return RoleStatus.notReady("database", "unreachable", "PostgreSQL cannot be reached: " + e.getMessage());
        }
    }
}
