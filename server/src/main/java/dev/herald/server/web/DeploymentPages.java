package dev.herald.server.web;

import static dev.herald.server.web.WebForms.form;

import dev.herald.config.GoDuration;
import dev.herald.config.HeraldConfig;
import dev.herald.model.Appearance;
import dev.herald.model.NotificationMethod;
import dev.herald.model.SystemTemplates;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.server.data.Template;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.User;
import dev.herald.store.SiteConfigStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The deployment's notifications (owners): the events with their delivery method, and the settings tab with the
 * pause switch, a test notification, the appearance emails carry and the configuration in force.
 */
final class DeploymentPages {

    private static final String PATH = "/deployment/notifications";

    /** As Coder's appearance settings limit it. */
    static final int MAX_APPLICATION_NAME = 64;

    private final TemplateCatalog templates;
    private final SiteConfigStore siteConfig;
    private final Enqueuer enqueuer;
    private final HeraldConfig config;
    private final WebSessions sessions;
    private final Pages pages;
    private final Clock clock;

    DeploymentPages(
            TemplateCatalog templates,
            SiteConfigStore siteConfig,
            Enqueuer enqueuer,
            HeraldConfig config,
            WebSessions sessions,
            Pages pages,
            Clock clock) {
        this.templates = templates;
        this.siteConfig = siteConfig;
        this.enqueuer = enqueuer;
        this.config = config;
        this.sessions = sessions;
        this.pages = pages;
        this.clock = clock;
    }

    void register(RoutesConfig routes) {
        routes.get(PATH, this::show);
        routes.post(PATH + "/templates/{id}/method", this::changeMethod);
        routes.post(PATH + "/pause", this::changePause);
        routes.post(PATH + "/test", this::sendTest);
        routes.post(PATH + "/appearance", this::changeAppearance);
    }

    private void show(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.owner(context);
        if (session.isEmpty()) {
            return;
        }
        Map<String, Object> model = new HashMap<>();
        String defaultMethod = templates.defaultMethod().sqlName();
        model.put("defaultMethod", defaultMethod);
        if ("settings".equals(context.queryParam("tab"))) {
            model.put("settings", true);
            model.put("paused", siteConfig.notifierPaused());
            model.put("config", configuration());
            Appearance stored = siteConfig.appearance();
            model.put("applicationName", stored.applicationName());
            model.put("logoUrl", stored.logoUrl());
            model.put("flagName", config.server().appearance().applicationName());
        } else {
            model.put("events", true);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Template template : templates.list()) {
                Map<String, Object> row = new HashMap<>();
                row.put("id", template.id().toString());
                row.put("name", template.name());
                row.put("group", template.group());
                row.put("isDefault", template.method().isEmpty());
                row.put("isSmtp", template.method().equals("smtp"));
                row.put("isWebhook", template.method().equals("webhook"));
                row.put("defaultMethod", defaultMethod);
                row.put("csrf", session.get().csrf());
                rows.add(row);
            }
            model.put("templates", rows);
        }
        pages.render(context, 200, "deployment", "Deployment notifications", session.get(), model);
    }

    private void changeMethod(Context context) throws SQLException {
        if (sessions.submitting(context, true).isEmpty()) {
            return;
        }
        String back = PATH + "?tab=events";
        UUID id = WebForms.parseUuid(context.pathParam("id"));
        Optional<Template> template = id == null ? Optional.empty() : templates.find(id);
        if (template.isEmpty()) {
            WebForms.seeOtherWithError(context, back, "That event does not exist; nothing was changed.");
            return;
        }
        String method = form(context, "method");
        Optional<NotificationMethod> chosen = Arrays.stream(NotificationMethod.values())
                .filter(candidate -> candidate.sqlName().equals(method))
                .findFirst();
        if (!method.isEmpty() && chosen.isEmpty()) {
            WebForms.seeOtherWithError(
                    context, back, "\"" + method + "\" is not a delivery method; nothing was changed.");
            return;
        }
        templates.setMethod(template.get().id(), chosen);
        WebForms.seeOtherWithNotice(
                context,
                back,
                template.get().name() + " now goes out by "
                        + chosen.map(NotificationMethod::sqlName).orElse("the default method") + ".");
    }

    private void changePause(Context context) throws SQLException {
        if (sessions.submitting(context, true).isEmpty()) {
            return;
        }
        boolean paused = Boolean.parseBoolean(form(context, "paused"));
        siteConfig.setNotifierPaused(paused);
        WebForms.seeOtherWithNotice(
                context,
                PATH + "?tab=settings",
                paused ? "Notifications are paused." : "Notifications are running again.");
    }

    private void changeAppearance(Context context) throws SQLException {
        if (sessions.submitting(context, true).isEmpty()) {
            return;
        }
        String back = PATH + "?tab=settings";
        Appearance appearance = new Appearance(form(context, "application_name"), form(context, "logo_url"));
        if (appearance.applicationName().length() > MAX_APPLICATION_NAME) {
            WebForms.seeOtherWithError(
                    context,
                    back,
                    "The application name is longer than " + MAX_APPLICATION_NAME
                            + " characters; nothing was changed.");
            return;
        }
        Optional<String> logoProblem = Appearance.problemWithLogoUrl(appearance.logoUrl());
        if (logoProblem.isPresent()) {
            WebForms.seeOtherWithError(context, back, "The logo URL " + logoProblem.get() + "; nothing was changed.");
            return;
        }
        siteConfig.setAppearance(appearance);
        WebForms.seeOtherWithNotice(
                context,
                back,
                "Emails now show "
                        + appearance.over(config.server().appearance()).displayName() + ".");
    }

    private void sendTest(Context context) throws SQLException {
        Optional<WebSessionView> session = sessions.submitting(context, true);
        if (session.isEmpty()) {
            return;
        }
        User user = session.get().user();
        EnqueueResult result = enqueuer.enqueue(new EnqueueRequest(
                SystemTemplates.TEST_NOTIFICATION,
                user.id(),
                Map.of(),
                Map.of("requested_at", clock.instant().toString()),
                user.username(),
                null));
        String back = PATH + "?tab=settings";
        switch (result) {
            case EnqueueResult.Enqueued enqueued ->
                WebForms.seeOtherWithNotice(
                        context, back, "A test notification is on its way to " + user.email() + ".");
            case EnqueueResult.DisabledByUser disabled ->
                WebForms.seeOtherWithError(context, back, "You turned the test notification off in My notifications.");
            case EnqueueResult.Duplicate duplicate -> WebForms.seeOtherWithError(context, back, duplicate.reason());
        }
    }

    /** The settings in force, as an operator checks them; secrets only as set or not set. */
    private List<Map<String, String>> configuration() {
        var email = config.email();
        var webhook = config.webhook();
        var notifications = config.notifications();
        List<Map<String, String>> rows = new ArrayList<>();
        add(rows, "Default method", notifications.method().sqlName());
        add(rows, "SMTP smarthost", email.smarthost().toString());
        add(rows, "SMTP from", email.from().orElse("(not set)"));
        add(rows, "SMTP TLS", email.implicitTls() ? "implicit TLS" : email.useStartTls() ? "STARTTLS" : "none");
        add(rows, "SMTP auth user", email.authUsername().orElse("(none)"));
        add(
                rows,
                "SMTP password",
                email.authPassword().isPresent() || email.authPasswordFile().isPresent() ? "set" : "not set");
        add(rows, "Webhook endpoint", webhook.endpoint().map(Object::toString).orElse("(not set)"));
        add(
                rows,
                "Webhook signing secret",
                webhook.signingSecrets().isEmpty()
                                && webhook.signingSecretFile().isEmpty()
                        ? "not set"
                        : "set");
        add(rows, "Max send attempts", String.valueOf(notifications.maxSendAttempts()));
        add(
                rows,
                "Retry interval",
                GoDuration.format(notifications.retryInterval()) + " ("
                        + notifications.retryPolicy().name().toLowerCase(Locale.ROOT) + ")");
        add(rows, "Dispatch timeout", GoDuration.format(notifications.dispatchTimeout()));
        add(rows, "Lease period", GoDuration.format(notifications.leasePeriod()));
        add(rows, "Retention", GoDuration.format(notifications.retention()));
        return rows;
    }

    private static void add(List<Map<String, String>> rows, String name, String value) {
        rows.add(Map.of("name", name, "value", value));
    }
}
