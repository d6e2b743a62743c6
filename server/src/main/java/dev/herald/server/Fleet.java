package dev.herald.server;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Role;
import dev.herald.dispatch.DispatchLoop;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.PauseSwitch;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.dispatch.Sender;
import dev.herald.inbox.InboxSender;
import dev.herald.model.NotificationMethod;
import dev.herald.producer.relay.CdcRelay;
import dev.herald.render.TemplateRenderer;
import dev.herald.scheduler.Reconciler;
import dev.herald.scheduler.RetryScheduler;
import dev.herald.server.health.RoleStatus;
import dev.herald.smtp.SmtpSender;
import dev.herald.store.AppearanceSource;
import dev.herald.store.MessageStore;
import dev.herald.store.SiteConfigStore;
import dev.herald.webhook.WebhookSender;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker roles of one process, started in dependency order and stopped in reverse: relay, dispatchers, retry
 * scheduler. Each stops gracefully (dispatchers write every outcome they hold) before the next one goes.
 */
public final class Fleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    private static final Duration PAUSE_POLL_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RETRY_CHECK_INTERVAL = Duration.ofMillis(100);

    private final List<RoleService> services = new ArrayList<>();
    private final List<AutoCloseable> shared = new ArrayList<>();
    private PauseSwitch pause;

    private Fleet() {}

    /** Starts the worker roles among {@code roles} (the API is not a worker and is started elsewhere). */
    public static Fleet start(Set<Role> roles, Resources resources) {
        Fleet fleet = new Fleet();
        try {
            fleet.startRoles(roles, resources);
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** Every role reports ready; the names of those that do not. */
    public List<String> notReady() {
        return statuses().stream()
                .filter(status -> !status.ready())
                .map(RoleStatus::role)
                .toList();
    }

    /** How each worker role of this process is doing. */
    public List<RoleStatus> statuses() {
        return services.stream().map(RoleService::currentStatus).toList();
    }

    /** Each worker role's report for the fleet registry, by the role's flag name. */
    public Map<String, Object> reports() {
        Map<String, Object> reports = new TreeMap<>();
        for (RoleService service : services) {
            reports.put(service.name(), service.report());
        }
        return reports;
    }

    public boolean ready() {
        return notReady().isEmpty();
    }

    /** True when this process runs a dispatcher and its pause switch holds the dispatchers. */
    public boolean dispatchPaused() {
        return pause != null && pause.paused();
    }

    @Override
    public void close() {
        for (RoleService service : services.reversed()) {
            try {
                service.close();
            } catch (RuntimeException e) {
                log.warn("notifications role {} did not stop cleanly", service.name(), e);
            }
        }
        for (AutoCloseable resource : shared.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("could not release {}", resource, e);
            }
        }
        services.clear();
        shared.clear();
    }

    private void startRoles(Set<Role> roles, Resources resources) {
        HeraldConfig config = resources.config();
        if (roles.contains(Role.PRODUCER)) {
            add(relay(resources));
        }
        if (roles.contains(Role.DISPATCHER_SMTP)
                || roles.contains(Role.DISPATCHER_WEBHOOK)
                || roles.contains(Role.DISPATCHER_INBOX)) {
            MessageStore store = new MessageStore(resources.dataSource());
            pause = new PauseSwitch(resources.dataSource(), PAUSE_POLL_INTERVAL, resources.clock());
            shared.add(pause);
            TemplateRenderer renderer = new TemplateRenderer(config.server().accessUrl());
            RetryPolicy retryPolicy = RetryPolicy.from(config.notifications(), new SecureRandom()::nextDouble);
            for (NotificationMethod method : NotificationMethod.values()) {
                if (roles.contains(dispatcherRole(method))) {
                    DispatchLoop.Wiring wiring = new DispatchLoop.Wiring(
                            resources.bootstrapServers(),
                            config.kafka(),
                            store,
                            sender(method, resources),
                            renderer,
                            pause,
                            retryPolicy,
                            resources.publisher(),
                            resources.registry(),
                            resources.coderMetrics(),
                            resources.clock());
                    add(dispatcher(
                            new DispatchLoop(DispatchSettings.from(config, method, resources.processId()), wiring),
                            method));
                }
            }
        }
        if (roles.contains(Role.RETRY_SCHEDULER)) {
            add(scheduler(resources));
        }
    }

    private void add(RoleService service) {
        services.add(service);
        service.start();
    }

    private static Role dispatcherRole(NotificationMethod method) {
        return switch (method) {
            case SMTP -> Role.DISPATCHER_SMTP;
            case WEBHOOK -> Role.DISPATCHER_WEBHOOK;
            case INBOX -> Role.DISPATCHER_INBOX;
        };
    }

    private static Sender sender(NotificationMethod method, Resources resources) {
        HeraldConfig config = resources.config();
        Duration timeout = config.notifications().dispatchTimeout();
        return switch (method) {
            case SMTP -> {
                if (config.email().from().isEmpty()) {
                    log.warn("notifications by email will fail: --notifications-email-from is not set");
                    yield new UnconfiguredSender(
                            method,
                            "email is not configured: set --notifications-email-from (CODER_NOTIFICATIONS_EMAIL_FROM)");
                }
                yield new SmtpSender(
                        config.email(),
                        timeout,
                        resources.clock(),
                        new AppearanceSource(
                                new SiteConfigStore(resources.dataSource()),
                                config.server().appearance(),
                                resources.clock()));
            }
            case WEBHOOK -> {
                if (config.webhook().endpoint().isEmpty()) {
                    log.warn("notifications by webhook will fail: --notifications-webhook-endpoint is not set");
                    yield new UnconfiguredSender(
                            method,
                            "webhooks are not configured: set --notifications-webhook-endpoint"
                                    + " (CODER_NOTIFICATIONS_WEBHOOK_ENDPOINT)");
                }
                yield new WebhookSender(
                        config.webhook().endpoint().get(),
                        config.webhook(),
                        timeout,
                        config.notifications().maxInflightSends(),
                        resources.clock());
            }
            case INBOX -> new InboxSender(resources.dataSource(), resources.clock());
        };
    }

    private static RoleService relay(Resources resources) {
        CdcRelay relay = new CdcRelay(
                new CdcRelay.Settings(
                        resources.database(),
                        resources.bootstrapServers(),
                        resources.config().kafka(),
                        resources.config().relay(),
                        Duration.ofSeconds(1)),
                resources.publisher(),
                resources.registry(),
                resources.clock());
        String role = Role.PRODUCER.flagName();
        return new RoleService(
                role, relay::start, () -> relayStatus(role, relay), () -> relayDetails(relay), relay::close);
    }

    private static Map<String, Object> relayDetails(CdcRelay relay) {
        CdcRelay.Details details = relay.details();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("slot", details.slot());
        values.put("slot_lag_bytes", details.slotLagBytes());
        values.put("last_relayed_at", text(details.lastRelayedAt()));
        return values;
    }

    /** A standby is healthy: another replica of the deployment streams. */
    private static RoleStatus relayStatus(String role, CdcRelay relay) {
        CdcRelay.State state = relay.state();
        return switch (state) {
            case STREAMING ->
                new RoleStatus(role, true, state.label(), relay.slotLagWarning().orElse(""));
            case STANDBY -> RoleStatus.ready(role, state.label());
            case WAITING ->
                RoleStatus.notReady(
                        role,
                        state.label(),
                        relay.problem().orElse("cannot ask PostgreSQL for the relay lock; check that it is reachable"));
            case STARTING -> RoleStatus.notReady(role, state.label(), "the change stream is starting");
            case RESTARTING ->
                RoleStatus.notReady(role, state.label(), relay.problem().orElse("the change stream is restarting"));
        };
    }

    private RoleService dispatcher(DispatchLoop loop, NotificationMethod method) {
        String role = dispatcherRole(method).flagName();
        return new RoleService(role, loop::start, () -> dispatcherStatus(role, loop), loop::close);
    }

    private RoleStatus dispatcherStatus(String role, DispatchLoop loop) {
        if (loop.problem().isPresent()) {
            return RoleStatus.notReady(role, "failing", loop.problem().get());
        }
        if (!loop.ready()) {
            return RoleStatus.notReady(
                    role, "joining", "waiting for its consumer group to assign it partitions of the topic");
        }
        return RoleStatus.ready(role, dispatchPaused() ? "paused" : "consuming");
    }

    private static RoleService scheduler(Resources resources) {
        HeraldConfig config = resources.config();
        RetryScheduler scheduler = new RetryScheduler(
                new RetryScheduler.Settings(
                        resources.bootstrapServers(),
                        config.kafka(),
                        config.scheduler(),
                        RETRY_CHECK_INTERVAL,
                        resources.dataDirectory().resolve("retry-scheduler")),
                resources.publisher(),
                resources.registry(),
                resources.clock());
        Reconciler reconciler = new Reconciler(
                Reconciler.Settings.from(config, resources.database()),
                resources.dataSource(),
                resources.publisher(),
                resources.registry(),
                resources.clock());
        return new RoleService(
                Role.RETRY_SCHEDULER.flagName(),
                () -> {
                    scheduler.start();
                    reconciler.start();
                },
                () -> scheduler.ready()
                        ? RoleStatus.ready(Role.RETRY_SCHEDULER.flagName(), "running")
                        : RoleStatus.notReady(
                                Role.RETRY_SCHEDULER.flagName(),
                                scheduler.state(),
                                "the retry timers are not running yet (Kafka Streams is " + scheduler.state() + ")"),
                () -> schedulerDetails(scheduler, reconciler),
                () -> {
                    reconciler.close();
                    scheduler.close();
                });
    }

    private static Map<String, Object> schedulerDetails(RetryScheduler scheduler, Reconciler reconciler) {
        RetryScheduler.Timers timers = scheduler.timers();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("timers_pending", timers.pending());
        values.put("timers_exact", timers.exact());
        values.put("next_due", text(timers.nextDue()));
        values.put("partitions", timers.partitions());
        values.put("reconciler_active", reconciler.active());
        reconciler.lastPass().ifPresent(pass -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("finished_at", text(pass.finishedAt()));
            Map<String, Object> redriven = new LinkedHashMap<>();
            pass.report().redriven().forEach((stall, count) -> redriven.put(stall.label(), count));
            last.put("redriven", redriven);
            last.put("gave_up", pass.report().gaveUp());
            last.put("purged", pass.report().purged());
            values.put("reconciler_last_pass", last);
        });
        return values;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
