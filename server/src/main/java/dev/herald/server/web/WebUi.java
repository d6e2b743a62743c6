package dev.herald.server.web;

import dev.herald.config.HeraldConfig;
import dev.herald.producer.Enqueuer;
import dev.herald.render.TemplateRenderer;
import dev.herald.server.data.MessageFilterParser;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.PasswordGate;
import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.Redrive;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.UserLifecycle;
import dev.herald.server.data.WebSessionStore;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.server.fleet.FleetView;
import dev.herald.server.http.ClientAddress;
import dev.herald.store.SiteConfigStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;

/**
 * The web UI, served by the api role beside the API: sign-in, the user's notification preferences, the deployment's
 * notification settings, the message explorer, the fleet and its history (owners), and in development mode the caught
 * mail. Pages are
 * rendered on the server; every state change is a POST carrying the session's CSRF token. This class only puts the
 * page groups together; each lives in its own class.
 */
public final class WebUi {

    /** What the pages read and change. */
    public record Services(
            UserDirectory users,
            UserLifecycle lifecycle,
            WebSessionStore sessions,
            TemplateCatalog templates,
            PreferenceStore preferences,
            MessageQueries messages,
            Redrive redrive,
            SiteConfigStore siteConfig,
            Enqueuer enqueuer,
            HeraldConfig config,
            TemplateRenderer renderer,
            Optional<DevMailbox> mailbox,
            FleetView fleet,
            FleetHistory history,
            Clock clock) {}

    private final Services services;
    private final Pages pages = new Pages();
    private final WebSessions sessions;
    private final byte[] script = resource("/web/herald.js");
    private final byte[] stylesheet = resource("/web/herald.css");

    public WebUi(Services services) {
        this.services = services;
        boolean secureCookies =
                "https".equalsIgnoreCase(services.config().server().accessUrl().getScheme());
        this.sessions = new WebSessions(
                services.users(),
                services.sessions(),
                pages,
                secureCookies,
                services.mailbox().isPresent(),
                services.clock());
    }

    public void register(RoutesConfig routes) {
        routes.get("/web/herald.css", context -> asset(context, "text/css", stylesheet));
        routes.get("/web/herald.js", context -> asset(context, "text/javascript", script));
        routes.get("/", context -> context.redirect("/settings/notifications"));
        new SignInPages(
                        services.users(),
                        sessions,
                        pages,
                        PasswordGate.forThisMachine(),
                        services.config().server().accessUrl(),
                        ClientAddress.from(services.config().api()),
                        services.clock())
                .register(routes);
        new PreferencesPage(services.templates(), services.preferences(), sessions, pages).register(routes);
        new DeploymentPages(
                        services.templates(),
                        services.siteConfig(),
                        services.enqueuer(),
                        services.config(),
                        sessions,
                        pages,
                        services.clock())
                .register(routes);
        new MessagesPages(
                        services.messages(),
                        new MessageFilterParser(services.users()),
                        services.redrive(),
                        services.templates(),
                        services.renderer(),
                        sessions,
                        pages)
                .register(routes);
        new UsersPage(services.users(), services.lifecycle(), sessions, pages).register(routes);
        new DevMailPage(services.mailbox(), sessions, pages).register(routes);
        new FleetPages(services.fleet(), services.history(), sessions, pages, services.clock()).register(routes);
    }

    private static void asset(Context context, String type, byte[] content) {
        context.header("Cache-Control", "public, max-age=3600")
                .contentType(type)
                .result(content);
    }

    private static byte[] resource(String path) {
        try (InputStream in = WebUi.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
