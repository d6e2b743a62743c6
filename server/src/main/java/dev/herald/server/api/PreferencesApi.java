package dev.herald.server.api;

import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Per-user opt-out, as Coder's preferences endpoints: GET and PUT {@code /users/{user}/notifications/preferences}. */
final class PreferencesApi {

    record PreferencesUpdate(Map<String, Boolean> templateDisabledMap) {}

    private final ApiServices services;

    PreferencesApi(ApiServices services) {
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v2/users/{user}/notifications/preferences", this::get);
        routes.put("/api/v2/users/{user}/notifications/preferences", this::put);
    }

    private void get(Context context) throws SQLException {
        User user = UsersApi.target(context, services);
        Api.caller(context).requireSelfOrAccountAdmin(user);
        context.json(services.preferences().forUser(user.id()));
    }

    private void put(Context context) throws SQLException {
        User user = UsersApi.target(context, services);
        Api.caller(context).requireSelfOrAccountAdmin(user);
        PreferencesUpdate update = Json.read(context, PreferencesUpdate.class);
        if (update.templateDisabledMap() == null) {
            throw ApiException.badField(
                    "template_disabled_map", "is required: an object of template id to true (off) or false (on)");
        }
        Set<UUID> known = new HashSet<>();
        services.templates().list().forEach(template -> known.add(template.id()));
        Map<UUID, Boolean> choices = new LinkedHashMap<>();
        for (Map.Entry<String, Boolean> entry : update.templateDisabledMap().entrySet()) {
            String field = "template_disabled_map." + entry.getKey();
            UUID id;
            try {
                id = UUID.fromString(entry.getKey());
            } catch (IllegalArgumentException e) {
                throw ApiException.badField(field, "is not a template id");
            }
            if (!known.contains(id)) {
                throw ApiException.badField(field, "is not a notification template");
            }
            if (entry.getValue() == null) {
                throw ApiException.badField(field, "must be true or false");
            }
            choices.put(id, entry.getValue());
        }
        services.preferences().update(user.id(), choices);
        List<PreferenceStore.Preference> preferences = services.preferences().forUser(user.id());
        context.json(preferences);
    }
}
