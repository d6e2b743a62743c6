package dev.herald.server.web;

import static dev.herald.server.web.WebForms.form;

import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.Template;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A user's own notification settings: every notification, grouped, each with its switch and delivery method. */
final class PreferencesPage {

    private static final String PATH = "/settings/notifications";

    private final TemplateCatalog templates;
    private final PreferenceStore preferences;
    private final WebSessions sessions;
    private final Pages pages;

    PreferencesPage(TemplateCatalog templates, PreferenceStore preferences, WebSessions sessions, Pages pages) {
        this.templates = templates;
        this.preferences = preferences;
        this.sessions = sessions;
        this.pages = pages;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH, this::change);
    }

    private void show(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.signedIn(context);
        if (session.isEmpty()) {
            return;
        }
        User user = session.get().user();
        Map<UUID, Boolean> disabled = new HashMap<>();
        preferences.forUser(user.id()).forEach(p -> disabled.put(p.id(), p.disabled()));
        String highlighted = context.queryParam("disabled");
        String defaultMethod = templates.defaultMethod().sqlName();
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        for (Template template : templates.list()) {
            boolean enabled =
                    disabled.containsKey(template.id()) ? !disabled.get(template.id()) : template.enabledByDefault();
            Map<String, Object> row = new HashMap<>();
            row.put("id", template.id().toString());
            row.put("name", template.name());
            row.put("enabled", enabled);
            row.put("highlight", template.id().toString().equals(highlighted));
            row.put("method", template.method().isEmpty() ? defaultMethod + " (default)" : template.method());
            row.put("csrf", session.get().csrf());
            groups.computeIfAbsent(template.group().isEmpty() ? "Other" : template.group(), g -> new ArrayList<>())
                    .add(row);
        }
        List<Map<String, Object>> grouped = groups.entrySet().stream()
                .map(entry -> Map.<String, Object>of("name", entry.getKey(), "templates", entry.getValue()))
                .toList();
        pages.render(context, 200, "preferences", "My notifications", session.get(), Map.of("groups", grouped));
    }

    private void change(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.submitting(context, false);
        if (session.isEmpty()) {
            return;
        }
        UUID id = WebForms.parseUuid(form(context, "template_id"));
        Optional<Template> template = id == null ? Optional.empty() : templates.find(id);
        if (template.isEmpty()) {
            WebForms.seeOtherWithError(context, PATH, "That notification does not exist; nothing was changed.");
            return;
        }
        boolean enabled = Boolean.parseBoolean(form(context, "enabled"));
        preferences.update(session.get().user().id(), Map.of(template.get().id(), !enabled));
        WebForms.seeOther(
                context,
                PATH + "?notice="
                        + WebForms.encode(template.get().name() + (enabled ? " is on." : " is off."))
                        + "#t-" + template.get().id());
    }
}
