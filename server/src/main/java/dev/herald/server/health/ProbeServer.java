package dev.herald.server.health;

import dev.herald.config.HostPort;
import dev.herald.server.http.JsonErrorHandler;
import dev.herald.server.http.SecurityHeaders;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server of a process without the api role: only the probes, on {@code --http-address}. */
public final class ProbeServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);

    private final Javalin app;

    private ProbeServer(Javalin app) {
        this.app = app;
    }

    public static ProbeServer start(Probes probes, HostPort address) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            SecurityHeaders headers = new SecurityHeaders(false);
            config.routes.before(headers::apply);
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(headers)));
            probes.register(config.routes);
        });
        try {
            app.start(address.host().isEmpty() ? "0.0.0.0" : address.host(), address.port());
        } catch (RuntimeException e) {
            throw new IllegalStateException("could not serve /healthz and /readyz on " + address + " (--http-address): "
                    + e.getMessage() + ". Fix: choose a free address.");
        }
        log.info("health probes on http://{}:{}/readyz", address.host(), app.port());
        return new ProbeServer(app);
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
