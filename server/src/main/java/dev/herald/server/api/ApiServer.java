package dev.herald.server.api;

import dev.herald.config.HeraldConfig;
import dev.herald.config.HostPort;
import dev.herald.render.TemplateRenderer;
import dev.herald.server.data.InboxStore;
import dev.herald.server.data.WebSessionStore;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.server.fleet.FleetView;
import dev.herald.server.health.Probes;
import dev.herald.server.http.JsonErrorHandler;
import dev.herald.server.http.SecurityHeaders;
import dev.herald.server.inbox.InboxFeed;
import dev.herald.server.web.DevMailbox;
import dev.herald.server.web.WebUi;
import dev.herald.token.TokenPublisher;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.javalin.websocket.WsHandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api role: Herald's HTTP API under {@code /api/v2}, its OpenAPI description, the web UI, and the process's
 * probes. Every error is a JSON body in Coder's shape; no stack trace ever leaves.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** Large enough for any notification (payloads are capped at 64 KiB), small enough to refuse abuse. */
    static final long MAX_REQUEST_BYTES = 256 * 1024;

    private final Javalin app;
    private final InboxFeed inboxFeed;

    /**
     * @param probes the process's {@code /healthz} and {@code /readyz}
     */
    public ApiServer(
            HeraldConfig heraldConfig,
            DataSource dataSource,
            TokenPublisher publisher,
            Probes probes,
            Optional<DevMailbox> mailbox,
            FleetView fleet,
            Clock clock) {
        ApiServices services = ApiServices.over(dataSource, publisher, heraldConfig.api(), clock);
        WebSessionStore webSessions = new WebSessionStore(dataSource);
        Authenticator authenticator = new Authenticator(
                services.users(), webSessions, heraldConfig.server().accessUrl(), clock);
        InboxStore inbox = new InboxStore(dataSource);
        this.inboxFeed = new InboxFeed(dataSource, inbox, clock);
        InboxApi inboxApi = new InboxApi(services, inbox, inboxFeed);
        byte[] openApi = openApiDocument();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.http.defaultContentType = "application/json";
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            SecurityHeaders headers = new SecurityHeaders(
                    "https".equalsIgnoreCase(heraldConfig.server().accessUrl().getScheme()));
            config.routes.before(headers::apply);
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(headers)));
            config.routes.before(RequestGuard::check);
            config.routes.before("/api/v2/*", authenticator::authenticate);
            probes.register(config.routes);
            config.routes.get(
                    "/api/v2/openapi.json",
                    context -> context.contentType("application/json").result(openApi));
            new NotificationsApi(services).register(config.routes);
            new PreferencesApi(services).register(config.routes);
            new MessagesApi(services).register(config.routes);
            new UsersApi(services).register(config.routes);
            inboxApi.register(config.routes);
            new FleetApi(fleet).register(config.routes);
            // A WebSocket handshake skips the HTTP filters above; it is authenticated and checked here instead.
            config.routes.wsBeforeUpgrade(InboxApi.WATCH, context -> {
                headers.apply(context);
                try {
                    authenticator.authenticate(context);
                    inboxApi.beforeWatch(context);
                } catch (ApiException e) {
                    refuseUpgrade(e, context);
                    throw e;
                }
            });
            // Javalin keeps a servlet session per handshake; Herald has no use for it, nor for its cookie.
            config.jetty.modifyServletContextHandler(handler -> {
                handler.getSessionHandler().setUsingCookies(false);
                handler.getSessionHandler().setMaxInactiveInterval(60);
            });
            new WebUi(new WebUi.Services(
                            services.users(),
                            services.lifecycle(),
                            webSessions,
                            services.templates(),
                            services.preferences(),
                            services.messages(),
                            services.redrive(),
                            services.siteConfig(),
                            services.enqueuer(),
                            heraldConfig,
                            new TemplateRenderer(heraldConfig.server().accessUrl()),
                            mailbox,
                            fleet,
                            new FleetHistory(dataSource),
                            clock))
                    .register(config.routes);
            config.routes.exception(ApiException.class, ApiServer::answer);
            config.routes.exception(
                    HttpResponseException.class,
                    (e, context) ->
                            answer(new ApiException(e.getStatus(), httpMessage(e, context), "", List.of()), context));
            config.routes.exception(Exception.class, (e, context) -> {
                if (dataException(e)) {
                    // PostgreSQL refused a value the edge let through: the request's fault, not Herald's.
                    log.warn(
                            "{} {} carried a value PostgreSQL cannot store: {}",
                            context.method(),
                            context.path(),
                            e.getMessage());
                    answer(
                            ApiException.badRequest("A value in the request cannot be stored (for example a time"
                                    + " outside the years 1 to 9999, or a number too large)."),
                            context);
                    return;
                }
                log.error("notifications API request {} {} failed", context.method(), context.path(), e);
                answer(
                        new ApiException(
                                500,
                                "Herald could not complete the request.",
                                "The server log has the details.",
                                List.of()),
                        context);
            });
            config.routes.error(
                    405,
                    context -> answer(
                            new ApiException(
                                    405,
                                    context.method() + " is not allowed on " + context.path() + ".",
                                    "",
                                    List.of()),
                            context));
        });
    }

    public ApiServer start(HostPort address) {
        app.start(address.host().isEmpty() ? "0.0.0.0" : address.host(), address.port());
        log.info("notifications API listening on http://{}:{}/api/v2", address.host(), app.port());
        return this;
    }

    /** The port actually bound (useful when 0 asked for any free port). */
    public int port() {
        return app.port();
    }

    /**
     * Every endpoint as "METHOD path", for checking the OpenAPI description against what is served; a WebSocket is
     * the GET that opens it.
     */
    public List<String> routes() {
        Stream<String> http = app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint ->
                        List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(endpoint.method.name()))
                .map(endpoint -> endpoint.method.name() + " " + endpoint.path);
        Stream<String> sockets = app.unsafe.internalRouter.allWsHandlers().stream()
                .filter(entry -> entry.getType() == WsHandlerType.WEBSOCKET)
                .map(entry -> "GET " + entry.getPath());
        return Stream.concat(http, sockets).sorted().toList();
    }

    @Override
    public void close() {
        app.stop();
        inboxFeed.close();
    }

    /** Javalin does not write the body of a refused handshake; the client still deserves to read why. */
    private static void refuseUpgrade(ApiException e, Context context) throws IOException {
        byte[] body = Json.MAPPER.writeValueAsBytes(new ErrorResponse(e.getMessage(), e.detail(), e.validations()));
        context.res().setStatus(e.status());
        context.res().setContentType("application/json");
        context.res().setContentLength(body.length);
        context.res().getOutputStream().write(body);
        context.res().flushBuffer();
    }

    private static void answer(ApiException e, Context context) {
        context.status(e.status()).json(new ErrorResponse(e.getMessage(), e.detail(), e.validations()));
    }

    /** A PostgreSQL data exception (SQLSTATE class 22): a value out of range, badly encoded or malformed. */
    private static boolean dataException(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("22")) {
                return true;
            }
        }
        return false;
    }

    private static String httpMessage(HttpResponseException e, Context context) {
        return switch (e.getStatus()) {
            case 404 -> "No such endpoint: " + context.method() + " " + context.path() + ".";
            case 413 -> "The request body is larger than " + MAX_REQUEST_BYTES / 1024 + " KiB.";
            case 400 -> Optional.ofNullable(e.getMessage()).orElse("Bad request.");
            default -> Optional.ofNullable(e.getMessage()).orElse("HTTP " + e.getStatus());
        };
    }

    private static byte[] openApiDocument() {
        try (InputStream in = ApiServer.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
