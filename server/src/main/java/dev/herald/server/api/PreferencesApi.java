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
import java.util.Optional;
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
        User user = visibleTarget(context);
        context.json(services.preferences().forUser(user.id()));
    }

    private void put(Context context) throws SQLException {
        User user = visibleTarget(context);
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

    /**
     * The user named in the path, as Coder resolves it: someone whose preferences the caller may not see is answered
     * exactly like someone who does not exist (400, Coder's words), so that a member cannot probe who exists.
     */
    private User visibleTarget(Context context) throws SQLException {
        Caller caller = Api.caller(context);
        String query = context.pathParam("user");
        Optional<User> user = query.equals("me")
                ? Optional.of(caller.user())
                : services.users().find(query);
        if (user.isEmpty() || !caller.isSelfOrAccountAdmin(user.get())) {
            throw new ApiException(
                    400, "\"user\" must be an existing uuid or username.", "queried user=\"" + query + "\"", List.of());
        }
        return user.get();
    }
}
