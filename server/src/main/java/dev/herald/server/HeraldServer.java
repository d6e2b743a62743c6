package dev.herald.server;

import com.codahale.metrics.MetricRegistry;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.config.ConfigurationException;
import dev.herald.config.HeraldConfig;
import dev.herald.config.HostPort;
import dev.herald.config.Role;
import dev.herald.db.DatabaseUrl;
import dev.herald.db.Migrations;
import dev.herald.dispatch.CoderMetrics;
import dev.herald.producer.relay.CdcPreflight;
import dev.herald.producer.relay.CdcRelay;
import dev.herald.server.api.ApiServer;
import dev.herald.server.data.User;
import dev.herald.server.fleet.ConsumerGroups;
import dev.herald.server.fleet.FleetHistory;
import dev.herald.server.fleet.FleetView;
import dev.herald.server.fleet.HistorySampler;
import dev.herald.server.fleet.ProcessRegistry;
import dev.herald.server.health.ProbeServer;
import dev.herald.server.health.Probes;
import dev.herald.server.health.RoleStatus;
import dev.herald.server.web.DevMailbox;
import dev.herald.store.SiteConfigStore;
import dev.herald.token.TokenPublisher;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code herald server} process: the database and broker it runs against (external, or embedded when none is
 * named), the schema, and the roles it was asked to run. Closing it stops the roles gracefully, then what it started.
 */
public final class HeraldServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeraldServer.class);

    private static final java.time.Duration READINESS_CHECK_INTERVAL = java.time.Duration.ofMillis(200);

    /** The API's own pool: requests hold a connection only for their queries, never while hashing a password. */
    private static final int API_POOL_SIZE = 8;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private Resources resources;
    private Fleet fleet;
    private ApiServer api;
    private ProbeServer probeServer;
    private MailCatcher mailCatcher;
    private volatile MetricsEndpoint metrics;

    private HeraldServer() {}

    /**
     * Starts everything and returns once every role has been started (not necessarily ready yet).
     *
     * @throws IllegalStateException when a server cannot be reached or started; the message says which and why
     */
    public static HeraldServer start(HeraldConfig config, Clock clock) {
        HeraldServer server = new HeraldServer();
        try {
            server.startAll(config, clock);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public Resources resources() {
        return resources;
    }

    /** The port of the Prometheus endpoint, when --prometheus-address serves one. */
    public OptionalInt metricsPort() {
        MetricsEndpoint endpoint = metrics;
        return endpoint == null ? OptionalInt.empty() : OptionalInt.of(endpoint.port());
    }

    /** True when this process runs a dispatcher and the deployment's pause switch holds it. */
    public boolean dispatchPaused() {
        return fleet != null && fleet.dispatchPaused();
    }

    /** How each worker role of this process is doing. */
    public List<RoleStatus> roleStatuses() {
        return fleet == null
                ? List.of(RoleStatus.notReady("server", "starting", "the roles are starting"))
                : fleet.statuses();
    }

    /** The roles that are not ready yet, by name; empty when the process is ready. */
    public List<String> notReady() {
        return fleet == null ? List.of("starting") : fleet.notReady();
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
            api = null;
        }
        if (probeServer != null) {
            probeServer.close();
            probeServer = null;
        }
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
        if (fleet != null) {
            fleet.close();
            fleet = null;
        }
        for (AutoCloseable resource : opened.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("could not stop {}", resource, e);
            }
        }
        opened.clear();
        log.info("herald server stopped");
    }

    private void startAll(HeraldConfig configured, Clock clock) {
        HeraldConfig config = configured;
        if (!config.server().ignoredExperiments().isEmpty()) {
            log.info(
                    "--experiments / CODER_EXPERIMENTS: ignored {} (Herald has no experiments; notifications are"
                            + " always on)",
                    String.join(", ", config.server().ignoredExperiments()));
        }
        Path dataDirectory = config.server().dataDir();
        createDirectories(dataDirectory);
        if (config.server().dev()) {
            mailCatcher = MailCatcher.start(dataDirectory.resolve("mail"), clock);
            opened.add(mailCatcher);
            config = config.withEmail(config.email()
                    .deliveringTo(new HostPort("127.0.0.1", mailCatcher.port()), "Herald <herald@localhost>"));
        }
        if (!config.deliveryConfigured()) {
            log.warn("notifications go to the inbox only: neither --notifications-email-from nor"
                    + " --notifications-webhook-endpoint is set. Set one of them to send email or webhooks as well.");
        }
        DatabaseUrl database = database(config, dataDirectory);
        HikariDataSource dataSource = DataSources.pooled(database, "herald", 10);
        opened.add(dataSource);
        int applied = Migrations.apply(dataSource);
        log.info("database schema is up to date ({} migration(s) applied now) at {}", applied, database);
        try {
            new SiteConfigStore(dataSource)
                    .setDelivery(
                            config.notifications().method(),
                            config.deliveryConfigured(),
                            config.notifications().inboxEnabled());
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the default notifications method: " + e.getMessage(), e);
        }
        if (config.server().roles().contains(Role.PRODUCER)) {
            checkChangeStreamSetUp(dataSource, config);
        }
        Optional<User> developmentOwner = config.server().dev()
                ? DevelopmentOwner.createOnFreshDatabase(
                        dataSource, config.api().defaultTokenLifetime(), clock)
                : Optional.empty();
        String bootstrapServers = kafka(config, dataDirectory);
        TokenPublisher publisher = new TokenPublisher(bootstrapServers, config.kafka(), "herald-tokens");
        opened.add(publisher);
        publisher.ensureTopics();
        ProcessRegistry processes = new ProcessRegistry(dataSource, clock);
        PrometheusRegistry prometheus = new PrometheusRegistry();
        resources = new Resources(
                config,
                database,
                dataSource,
                bootstrapServers,
                publisher,
                dataDirectory,
                new MetricRegistry(),
                prometheus,
                new CoderMetrics(prometheus),
                clock,
                processes.id());
        for (Role role : config.server().roles()) {
            log.info("notifications role {}: {}", role, RoleSummary.describe(role, config));
        }
        fleet = Fleet.start(config.server().roles(), resources);
        register(processes, config, fleet);
        HistorySampler sampler = new HistorySampler(
                database,
                config.kafka().topicPrefix(),
                new FleetHistory(dataSource),
                () -> new ConsumerGroups(resources.bootstrapServers(), resources.config()),
                config.notifications().retention(),
                clock);
        opened.add(sampler);
        sampler.start();
        config.server().prometheusAddress().ifPresent(address -> {
            metrics = MetricsEndpoint.start(resources.registry(), resources.prometheus(), address);
        });
        Probes probes = new Probes(dataSource, this::roleStatuses);
        if (config.server().roles().contains(Role.API)) {
            HikariDataSource apiPool = DataSources.pooled(database, "herald-api", API_POOL_SIZE);
            opened.add(apiPool);
            ConsumerGroups groups = new ConsumerGroups(bootstrapServers, config);
            opened.add(groups);
            api = new ApiServer(
                            config,
                            apiPool,
                            publisher,
                            probes,
                            Optional.<DevMailbox>ofNullable(mailCatcher),
                            new FleetView(processes, groups, apiPool, new FleetHistory(apiPool), config.relay(), clock),
                            clock)
                    .start(config.server().httpAddress());
        } else {
            probeServer = ProbeServer.start(probes, config.server().httpAddress());
        }
        Thread.ofPlatform()
                .name("herald-readiness")
                .daemon()
                .start(() -> whenReady(() ->
                        developmentOwner.ifPresent(owner -> DevelopmentOwner.sendFirstTest(dataSource, owner, clock))));
    }

    /** Enters this process in the fleet registry; it leaves it when the process stops (closed in reverse order). */
    private void register(ProcessRegistry registry, HeraldConfig config, Fleet roles) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown";
        }
        try {
            registry.register(
                    host,
                    ProcessHandle.current().pid(),
                    config.server().roles().stream()
                            .map(Role::flagName)
                            .sorted()
                            .toList(),
                    Herald.version(),
                    roles::reports);
            opened.add(registry);
        } catch (SQLException e) {
            throw new IllegalStateException("could not enter this process in the fleet registry: " + e.getMessage(), e);
        }
    }

    /**
     * The relay needs logical decoding, the REPLICATION attribute, its publication and a slot of its own; a missing
     * one is a set-up problem that no retry fixes, so the process does not start, and says what to change.
     */
    private static void checkChangeStreamSetUp(DataSource dataSource, HeraldConfig config) {
        List<CdcPreflight.Problem> problems;
        try (Connection session = dataSource.getConnection()) {
            problems = new CdcPreflight(config.relay().slotName(), CdcRelay.PUBLICATION).check(session);
        } catch (SQLException e) {
            throw new IllegalStateException("could not check PostgreSQL for change streaming: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems.stream()
                    .map(problem -> "the producer role cannot stream changes: " + problem)
                    .toList());
        }
    }

    /** The port the API listens on, when this process runs the api role. */
    public OptionalInt apiPort() {
        return api == null ? OptionalInt.empty() : OptionalInt.of(api.port());
    }

    /** The port {@code /healthz} and {@code /readyz} answer on (the API's, when this process runs it). */
    public int httpPort() {
        return api != null ? api.port() : probeServer.port();
    }

    /** The API's endpoints as "METHOD path", when this process runs the api role. */
    public List<String> apiRoutes() {
        return api == null ? List.of() : api.routes();
    }

    /**
     * Says once, in the log, when every role is ready (the line operators and scripts wait for), then does what had
     * to wait for it.
     */
    private void whenReady(Runnable then) {
        try {
            while (!notReady().isEmpty()) {
                Thread.sleep(READINESS_CHECK_INTERVAL);
            }
        } catch (InterruptedException e) {
            return;
        }
        log.info("herald server is ready");
        then.run();
    }

    private DatabaseUrl database(HeraldConfig config, Path dataDirectory) {
        if (config.server().postgresUrl().isPresent()) {
            return DatabaseUrl.parse(config.server().postgresUrl().get().reveal());
        }
        if (!config.server().dev()) {
            log.warn(
                    "no --postgres-url (CODER_PG_CONNECTION_URL) is given, so Herald runs its embedded PostgreSQL in {}:"
                            + " fine for trying Herald out, but it has no backups or replicas. Fix for production: give"
                            + " --postgres-url for a PostgreSQL you run with wal_level=logical.",
                    dataDirectory.resolve("postgres"));
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(dataDirectory.resolve("postgres"));
        opened.add(embedded);
        return embedded.url();
    }

    private String kafka(HeraldConfig config, Path dataDirectory) {
        if (config.kafka().bootstrapServers().isPresent()) {
            return config.kafka().bootstrapServers().get();
        }
        EmbeddedKafka embedded = EmbeddedKafka.start(dataDirectory.resolve("kafka"));
        opened.add(embedded);
        return embedded.bootstrapServers();
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create the data directory " + directory + " (--data-dir): "
                    + e.getMessage() + ". Fix: choose a writable directory with --data-dir.");
        }
    }
}
