package dev.herald.server.api;

import dev.herald.server.fleet.FleetView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;

/** {@code GET /api/v2/fleet}: every process, dispatcher group and queue of the deployment, for owners. */
final class FleetApi {

    private final FleetView fleet;

    FleetApi(FleetView fleet) {
        this.fleet = fleet;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/fleet", this::get);
    }

    private void get(Context context) throws SQLException {
        Api.caller(context).requireOwner();
        context.json(fleet.snapshot());
    }
}
