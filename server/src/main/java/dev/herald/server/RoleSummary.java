package dev.herald.server;

import dev.herald.config.GoDuration;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Role;

/** One log line per role with the settings that matter to it; secrets appear only as set or unset. */
final class RoleSummary {

    private RoleSummary() {}

    static String describe(Role role, HeraldConfig config) {
        var n = config.notifications();
        var k = config.kafka();
        return switch (role) {
            case PRODUCER ->
                "CDC relay on slot " + config.relay().slotName() + ", topics " + k.topicPrefix()
                        + ".{smtp,webhook,inbox} (" + k.topicPartitions() + " partitions), heartbeat every "
                        + GoDuration.format(config.relay().heartbeatInterval());
            case DISPATCHER_SMTP ->
                dispatcher(config, "smtp") + ", smarthost "
                        + config.email().smarthost() + ", from "
                        + config.email().from().orElse("(unset)") + ", TLS "
                        + (config.email().implicitTls()
                                ? "implicit"
                                : config.email().useStartTls() ? "STARTTLS" : "off")
                        + ", auth "
                        + config.email()
                                .authUsername()
                                .map(user -> "as " + user)
                                .orElse("off")
                        + ", password "
                        + (config.email().authPassword().isPresent()
                                        || config.email().authPasswordFile().isPresent()
                                ? "set"
                                : "unset");
            case DISPATCHER_WEBHOOK ->
                dispatcher(config, "webhook") + ", endpoint "
                        + config.webhook().endpoint().map(Object::toString).orElse("(unset)") + ", signing "
                        + (config.webhook().signingSecrets().isEmpty()
                                        && config.webhook().signingSecretFile().isEmpty()
                                ? "off"
                                : "on");
            case DISPATCHER_INBOX ->
                dispatcher(config, "inbox") + ", inbox "
                        + (config.notifications().inboxEnabled()
                                ? "on"
                                : "off (delivers only templates whose method is inbox)");
            case RETRY_SCHEDULER ->
                "retry timers (application " + config.scheduler().applicationId() + ", "
                        + config.scheduler().streamThreads() + " thread(s)), "
                        + n.retryPolicy().name().toLowerCase()
                        + " retries every " + GoDuration.format(n.retryInterval()) + " (at most "
                        + GoDuration.format(n.retryMaxInterval()) + "), reconciler every "
                        + GoDuration.format(n.fetchInterval()) + " with grace "
                        + GoDuration.format(config.scheduler().reconcilerGrace()) + ", retention "
                        + GoDuration.format(n.retention());
            case API ->
                "HTTP on " + config.server().httpAddress() + ", access URL "
                        + config.server().accessUrl();
        };
    }

    private static String dispatcher(HeraldConfig config, String method) {
        var n = config.notifications();
        return "group " + config.kafka().groupPrefix() + "-dispatcher-" + method + ", " + n.maxInflightSends()
                + " sends in flight, dispatch timeout " + GoDuration.format(n.dispatchTimeout()) + ", lease "
                + GoDuration.format(n.leasePeriod()) + ", at most " + n.maxSendAttempts() + " attempts";
    }
}
