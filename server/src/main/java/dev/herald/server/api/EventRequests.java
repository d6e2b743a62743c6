package dev.herald.server.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.producer.Event;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Turns {@code POST /notifications/events/{event}} bodies into events: one entry per event Coder documents, naming
 * the fields it needs. Recipients are decided by the event (the workspace owner, account admins, template admins),
 * never by the caller.
 */
final class EventRequests {

    private record Fields(Map<?, ?> body) {
        UUID uuid(String name) {
            return parseUuid(name, text(name));
        }

        String text(String name) {
            Object value = body.get(name);
            if (value == null || value.toString().isBlank()) {
                throw ApiException.badField(name, "is required");
            }
            if (!(value instanceof String text)) {
                throw ApiException.badField(name, "must be a string");
            }
            return text;
        }

        String optional(String name) {
            Object value = body.get(name);
            if (value != null && !(value instanceof String)) {
                throw ApiException.badField(name, "must be a string");
            }
            return (String) value;
        }

        List<UUID> uuids(String name) {
            return list(name, "user ids").stream()
                    .map(each -> {
                        if (!(each instanceof String text)) {
                            throw ApiException.badField(name, "must hold user ids as strings");
                        }
                        return parseUuid(name, text);
                    })
                    .distinct()
                    .toList();
        }

        /** A list of {path, threshold} objects, each field a string. */
        List<Event.Volume> volumes(String name) {
            return list(name, "{path, threshold}").stream()
                    .map(each -> {
                        if (!(each instanceof Map<?, ?> volume)
                                || !(volume.get("path") instanceof String path)
                                || path.isBlank()
                                || !(volume.get("threshold") instanceof String threshold)
                                || threshold.isBlank()) {
                            throw ApiException.badField(
                                    name,
                                    "each volume needs a path and a threshold, both strings, such as"
                                            + " {\"path\": \"/home/coder\", \"threshold\": \"90%\"}");
                        }
                        return new Event.Volume(path, threshold);
                    })
                    .toList();
        }

        /** Coder's report data; fields Herald computes itself (failed_count) may be given and are ignored. */
        List<Event.TemplateFailures> templateFailures(String name) {
            List<?> list = list(name, "templates with their failed builds");
            try {
                // The report's records refuse a missing field; Jackson hands that refusal over as an argument error.
                return LENIENT.convertValue(list, TEMPLATE_FAILURES);
            } catch (IllegalArgumentException e) {
                throw ApiException.badField(
                        name,
                        "does not match {name, display_name, failed_builds, total_builds, versions:"
                                + " [{template_version_name, failed_builds: [{workspace_owner_username, workspace_name,"
                                + " build_number}]}]}");
            }
        }

        /** An object of strings: each replaced resource and the attributes that changed. */
        Map<String, String> replacements(String name) {
            Object value = body.get(name);
            if (!(value instanceof Map<?, ?> map) || map.isEmpty()) {
                throw ApiException.badField(
                        name, "is required: an object such as {\"docker_container[0]\": \"env, hostname\"}");
            }
            Map<String, String> replacements = new LinkedHashMap<>();
            map.forEach((resource, attributes) -> {
                if (!(attributes instanceof String text) || text.isBlank()) {
                    throw ApiException.badField(name, "each resource needs its changed attributes as a string");
                }
                replacements.put(String.valueOf(resource), text);
            });
            return replacements;
        }

        /** A non-empty JSON array, or 400 saying what it should hold. */
        private List<?> list(String name, String whatItHolds) {
            if (!(body.get(name) instanceof List<?> list) || list.isEmpty()) {
                throw ApiException.badField(name, "is required: a list of " + whatItHolds);
            }
            return list;
        }

        private static UUID parseUuid(String name, String text) {
            try {
                return UUID.fromString(text);
            } catch (IllegalArgumentException e) {
                throw ApiException.badField(name, "\"" + text + "\" is not a UUID");
            }
        }

        int number(String name) {
            Object value = body.get(name);
            if (!(value instanceof Integer number)) {
                throw ApiException.badField(name, "is required and must be a whole number");
            }
            return number;
        }
    }

    private static final ObjectMapper LENIENT =
            Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<List<Event.TemplateFailures>> TEMPLATE_FAILURES = new TypeReference<>() {};

    private static final Map<String, Function<Fields, Event>> EVENTS = Map.ofEntries(
            Map.entry(
                    "workspace-deleted",
                    f -> Event.workspaceDeleted(
                            f.uuid("owner_id"),
                            f.text("workspace_name"),
                            f.optional("reason"),
                            f.optional("initiator"))),
            Map.entry(
                    "workspace-manual-build-failed",
                    f -> Event.workspaceManualBuildFailed(
                            f.uuid("owner_id"),
                            f.text("owner_username"),
                            f.text("workspace_name"),
                            f.text("template_name"),
                            f.text("template_version_name"),
                            f.text("initiator"),
                            f.number("build_number"))),
            Map.entry(
                    "workspace-autobuild-failed",
                    f -> Event.workspaceAutobuildFailed(
                            f.uuid("owner_id"), f.text("workspace_name"), f.optional("reason"))),
            Map.entry(
                    "workspace-auto-updated",
                    f -> Event.workspaceAutoUpdated(
                            f.uuid("owner_id"),
                            f.text("workspace_name"),
                            f.text("template_version_name"),
                            f.optional("template_version_message"))),
            Map.entry(
                    "workspace-dormant",
                    f -> Event.workspaceDormant(
                            f.uuid("owner_id"),
                            f.text("workspace_name"),
                            f.optional("reason"),
                            f.text("time_til_dormant"))),
            Map.entry(
                    "workspace-marked-for-deletion",
                    f -> Event.workspaceMarkedForDeletion(
                            f.uuid("owner_id"),
                            f.text("workspace_name"),
                            f.optional("reason"),
                            f.text("time_til_deletion"))),
            Map.entry(
                    "user-account-created",
                    f -> Event.userAccountCreated(
                            f.uuid("user_id"), f.text("username"), f.optional("name"), f.optional("initiator"))),
            Map.entry(
                    "user-account-deleted",
                    f -> Event.userAccountDeleted(f.text("username"), f.optional("name"), f.optional("initiator"))),
            Map.entry(
                    "user-account-suspended",
                    f -> Event.userAccountSuspended(
                            f.uuid("user_id"), f.text("username"), f.optional("name"), f.optional("initiator"))),
            Map.entry(
                    "user-account-activated",
                    f -> Event.userAccountActivated(
                            f.uuid("user_id"), f.text("username"), f.optional("name"), f.optional("initiator"))),
            Map.entry("template-deleted", f -> Event.templateDeleted(f.text("template_name"), f.optional("initiator"))),
            Map.entry(
                    "workspace-created",
                    f -> Event.workspaceCreated(
                            f.text("workspace_name"), f.text("template_name"), f.text("template_version_name"))),
            Map.entry(
                    "workspace-manually-updated",
                    f -> Event.workspaceManuallyUpdated(
                            f.text("workspace_name"),
                            f.text("owner_username"),
                            f.text("template_name"),
                            f.text("template_version_name"),
                            f.text("organization"),
                            f.text("initiator"))),
            Map.entry(
                    "workspace-out-of-memory",
                    f -> Event.workspaceOutOfMemory(f.uuid("owner_id"), f.text("workspace_name"), f.text("threshold"))),
            Map.entry(
                    "template-deprecated",
                    f -> Event.templateDeprecated(
                            f.uuids("user_ids"), f.text("template_name"), f.text("organization"), f.text("message"))),
            Map.entry(
                    "workspace-out-of-disk",
                    f -> Event.workspaceOutOfDisk(f.uuid("owner_id"), f.text("workspace_name"), f.volumes("volumes"))),
            Map.entry(
                    "prebuild-failure-limit-reached",
                    f -> Event.prebuildFailureLimitReached(
                            f.text("template_name"),
                            f.text("template_version_name"),
                            f.text("organization"),
                            f.text("preset"))),
            Map.entry("one-time-passcode", f -> Event.oneTimePasscode(f.uuid("user_id"), f.text("one_time_passcode"))),
            Map.entry(
                    "prebuilt-workspace-resource-replaced",
                    f -> Event.prebuiltWorkspaceResourceReplaced(
                            f.text("workspace_name"),
                            f.text("claimant"),
                            f.number("build_number"),
                            f.text("template_name"),
                            f.text("template_version_name"),
                            f.text("organization"),
                            f.text("preset"),
                            f.replacements("replacements"))),
            Map.entry(
                    "workspace-builds-failed-report",
                    f -> Event.workspaceBuildsFailedReport(
                            f.text("report_frequency"), f.templateFailures("templates"))));

    private EventRequests() {}

    static List<String> names() {
        return EVENTS.keySet().stream().sorted().toList();
    }

    static Event parse(String name, Map<?, ?> body) {
        Function<Fields, Event> factory = EVENTS.get(name);
        if (factory == null) {
            throw ApiException.notFound(
                    "\"" + name + "\" is not an event. Events: " + String.join(", ", names()) + ".");
        }
        return factory.apply(new Fields(body));
    }
}
