package dev.herald.producer;

import static dev.herald.model.SystemTemplates.*;

import dev.herald.model.UserRole;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Something that happened, with the notices it causes: each a template, its labels and the documented recipients.
 * Workspace events go to the workspace owner, except Workspace Created and Workspace Manually Updated, which go to
 * every template-admin; account events go to every active owner and user-admin (and, for suspension and activation, to
 * the user themself); Template Deleted goes to every template-admin; Template Deprecated to the users the producer
 * names (those with workspaces on it).
 */
public record Event(String name, List<Notice> notices) {

    /** One template sent to some recipients with some labels and, for a few templates, structured data. */
    public record Notice(UUID templateId, Recipients recipients, Map<String, String> labels, Map<String, Object> data) {
        public Notice {
            labels = Map.copyOf(labels);
            data = Map.copyOf(data);
        }

        public Notice(UUID templateId, Recipients recipients, Map<String, String> labels) {
            this(templateId, recipients, labels, Map.of());
        }
    }

    /** A volume of a workspace over its usage threshold. */
    public record Volume(String path, String threshold) {}

    // The report's parts refuse missing values here, where they are made, so that neither the report's data nor a
    // caller of the events API can hold a gap the template would fail on.

    /** One failed build, as the failed-builds report links it. */
    public record FailedBuild(String workspaceOwnerUsername, String workspaceName, int buildNumber) {
        public FailedBuild {
            Objects.requireNonNull(workspaceOwnerUsername, "workspace_owner_username");
            Objects.requireNonNull(workspaceName, "workspace_name");
        }
    }

    /** The failed builds of one template version. */
    public record FailedVersion(String templateVersionName, List<FailedBuild> failedBuilds) {
        public FailedVersion {
            Objects.requireNonNull(templateVersionName, "template_version_name");
            failedBuilds = List.copyOf(failedBuilds);
        }
    }

    /** One template's part of the failed-builds report. */
    public record TemplateFailures(
            String name, String displayName, int failedBuilds, int totalBuilds, List<FailedVersion> versions) {
        public TemplateFailures {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(displayName, "display_name");
            versions = List.copyOf(versions);
        }
    }

    public Event {
        notices = List.copyOf(notices);
    }

    private static final Set<UserRole> ACCOUNT_ADMINS = Set.of(UserRole.OWNER, UserRole.USER_ADMIN);
    private static final Recipients TEMPLATE_ADMINS = new Recipients.WithRole(Set.of(UserRole.TEMPLATE_ADMIN), null);

    public static Event workspaceDeleted(UUID owner, String workspaceName, String reason, String initiator) {
        return toOwner(
                "workspace-deleted",
                WORKSPACE_DELETED,
                owner,
                labels("name", workspaceName, "reason", reason, "initiator", initiator));
    }

    public static Event workspaceManualBuildFailed(
            UUID owner,
            String ownerUsername,
            String workspaceName,
            String templateName,
            String templateVersionName,
            String initiator,
            int buildNumber) {
        return toOwner(
                "workspace-manual-build-failed",
                WORKSPACE_MANUAL_BUILD_FAILED,
                owner,
                labels(
                        "name",
                        workspaceName,
                        "template_name",
                        templateName,
                        "template_version_name",
                        templateVersionName,
                        "initiator",
                        initiator,
                        "workspace_owner_username",
                        ownerUsername,
                        "workspace_build_number",
                        String.valueOf(buildNumber)));
    }

    public static Event workspaceAutobuildFailed(UUID owner, String workspaceName, String reason) {
        return toOwner(
                "workspace-autobuild-failed",
                WORKSPACE_AUTOBUILD_FAILED,
                owner,
                labels("name", workspaceName, "reason", reason));
    }

    public static Event workspaceAutoUpdated(
            UUID owner, String workspaceName, String templateVersionName, String templateVersionMessage) {
        return toOwner(
                "workspace-auto-updated",
                WORKSPACE_AUTO_UPDATED,
                owner,
                labels(
                        "name",
                        workspaceName,
                        "template_version_name",
                        templateVersionName,
                        "template_version_message",
                        templateVersionMessage));
    }

    public static Event workspaceDormant(UUID owner, String workspaceName, String reason, String timeTilDormant) {
        return toOwner(
                "workspace-dormant",
                WORKSPACE_DORMANT,
                owner,
                labels("name", workspaceName, "reason", reason, "timeTilDormant", timeTilDormant));
    }

    public static Event workspaceMarkedForDeletion(
            UUID owner, String workspaceName, String reason, String timeTilDeletion) {
        return toOwner(
                "workspace-marked-for-deletion",
                WORKSPACE_MARKED_FOR_DELETION,
                owner,
                labels("name", workspaceName, "reason", reason, "timeTilDormant", timeTilDeletion));
    }

    /** {@code createdUserName} is the account's display name, which Coder's body names ("created for ..."). */
    public static Event userAccountCreated(
            UUID createdUser, String createdUsername, String createdUserName, String initiator) {
        return new Event(
                "user-account-created",
                List.of(new Notice(
                        USER_ACCOUNT_CREATED,
                        new Recipients.WithRole(ACCOUNT_ADMINS, createdUser),
                        labels(
                                "created_account_name",
                                createdUsername,
                                "created_account_user_name",
                                createdUserName,
                                "initiator",
                                initiator))));
    }

    /** The account may already be gone, so it is named rather than referenced. */
    public static Event userAccountDeleted(String deletedUsername, String deletedUserName, String initiator) {
        return new Event(
                "user-account-deleted",
                List.of(new Notice(
                        USER_ACCOUNT_DELETED,
                        new Recipients.WithRole(ACCOUNT_ADMINS, null),
                        labels(
                                "deleted_account_name",
                                deletedUsername,
                                "deleted_account_user_name",
                                deletedUserName,
                                "initiator",
                                initiator))));
    }

    public static Event userAccountSuspended(UUID user, String username, String userName, String initiator) {
        Map<String, String> labels = labels(
                "suspended_account_name", username, "suspended_account_user_name", userName, "initiator", initiator);
        return new Event(
                "user-account-suspended",
                List.of(
                        new Notice(USER_ACCOUNT_SUSPENDED, new Recipients.WithRole(ACCOUNT_ADMINS, user), labels),
                        new Notice(YOUR_ACCOUNT_SUSPENDED, new Recipients.User(user), labels)));
    }

    public static Event userAccountActivated(UUID user, String username, String userName, String initiator) {
        Map<String, String> labels = labels(
                "activated_account_name", username, "activated_account_user_name", userName, "initiator", initiator);
        return new Event(
                "user-account-activated",
                List.of(
                        new Notice(USER_ACCOUNT_ACTIVATED, new Recipients.WithRole(ACCOUNT_ADMINS, user), labels),
                        new Notice(YOUR_ACCOUNT_ACTIVATED, new Recipients.User(user), labels)));
    }

    public static Event templateDeleted(String templateName, String initiator) {
        return toTemplateAdmins(
                "template-deleted", TEMPLATE_DELETED, labels("name", templateName, "initiator", initiator));
    }

    public static Event workspaceCreated(String workspaceName, String templateName, String versionName) {
        return toTemplateAdmins(
                "workspace-created",
                WORKSPACE_CREATED,
                labels("workspace", workspaceName, "template", templateName, "version", versionName));
    }

    public static Event workspaceManuallyUpdated(
            String workspaceName,
            String ownerUsername,
            String templateName,
            String versionName,
            String organization,
            String initiator) {
        return toTemplateAdmins(
                "workspace-manually-updated",
                WORKSPACE_MANUALLY_UPDATED,
                labels(
                        "workspace",
                        workspaceName,
                        "workspace_owner_username",
                        ownerUsername,
                        "template",
                        templateName,
                        "version",
                        versionName,
                        "organization",
                        organization,
                        "initiator",
                        initiator));
    }

    public static Event workspaceOutOfMemory(UUID owner, String workspaceName, String threshold) {
        return toOwner(
                "workspace-out-of-memory",
                WORKSPACE_OUT_OF_MEMORY,
                owner,
                labels("workspace", workspaceName, "threshold", threshold));
    }

    /** To each user with a workspace on the template; the producer knows who they are. */
    public static Event templateDeprecated(
            List<UUID> workspaceOwners, String templateName, String organization, String message) {
        return new Event(
                "template-deprecated",
                List.of(new Notice(
                        TEMPLATE_DEPRECATED,
                        new Recipients.Users(workspaceOwners),
                        labels("template", templateName, "organization", organization, "message", message))));
    }

    /** Coder words one full volume differently from several; {@code single_volume} lets the template tell. */
    public static Event workspaceOutOfDisk(UUID owner, String workspaceName, List<Volume> volumes) {
        List<Map<String, Object>> listed = volumes.stream()
                .map(volume -> Map.<String, Object>of("path", volume.path(), "threshold", volume.threshold()))
                .toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("volumes", listed);
        if (listed.size() == 1) {
            data.put("single_volume", listed.getFirst());
        }
        return new Event(
                "workspace-out-of-disk",
                List.of(new Notice(
                        WORKSPACE_OUT_OF_DISK, new Recipients.User(owner), labels("workspace", workspaceName), data)));
    }

    public static Event prebuildFailureLimitReached(
            String templateName, String templateVersionName, String organization, String preset) {
        return toTemplateAdmins(
                "prebuild-failure-limit-reached",
                PREBUILD_FAILURE_LIMIT_REACHED,
                labels(
                        "template",
                        templateName,
                        "template_version",
                        templateVersionName,
                        "org",
                        organization,
                        "preset",
                        preset));
    }

    /** Coder's periodic report to template admins, e.g. {@code reportFrequency} "week". */
    public static Event workspaceBuildsFailedReport(String reportFrequency, List<TemplateFailures> templates) {
        List<Map<String, Object>> listed = templates.stream()
                .map(template -> Map.<String, Object>of(
                        "name", template.name(),
                        "display_name", template.displayName(),
                        "failed_builds", template.failedBuilds(),
                        "total_builds", template.totalBuilds(),
                        "versions",
                                template.versions().stream().map(Event::version).toList()))
                .toList();
        return toTemplateAdmins(
                "workspace-builds-failed-report",
                WORKSPACE_BUILDS_FAILED_REPORT,
                Map.of(),
                Map.of("report_frequency", reportFrequency, "templates", listed));
    }

    private static Map<String, Object> version(FailedVersion version) {
        return Map.of(
                "template_version_name", version.templateVersionName(),
                "failed_count", version.failedBuilds().size(),
                "plural", version.failedBuilds().size() > 1,
                "failed_builds",
                        version.failedBuilds().stream()
                                .map(build -> Map.<String, Object>of(
                                        "workspace_owner_username", build.workspaceOwnerUsername(),
                                        "workspace_name", build.workspaceName(),
                                        "build_number", build.buildNumber()))
                                .toList());
    }

    /**
     * A claimed prebuilt workspace had resources replaced; {@code replacements} maps each resource to the attributes
     * that changed ("env, hostname"), as Coder's data does.
     */
    public static Event prebuiltWorkspaceResourceReplaced(
            String workspaceName,
            String claimant,
            int buildNumber,
            String templateName,
            String templateVersionName,
            String organization,
            String preset,
            Map<String, String> replacements) {
        Map<String, String> sorted = new TreeMap<>(replacements);
        List<Map<String, Object>> replaced = sorted.entrySet().stream()
                .map(entry -> Map.<String, Object>of("resource", entry.getKey(), "attributes", entry.getValue()))
                .toList();
        return toTemplateAdmins(
                "prebuilt-workspace-resource-replaced",
                PREBUILT_WORKSPACE_RESOURCE_REPLACED,
                labels(
                        "workspace",
                        workspaceName,
                        "claimant",
                        claimant,
                        "workspace_build_num",
                        String.valueOf(buildNumber),
                        "template",
                        templateName,
                        "template_version",
                        templateVersionName,
                        "org",
                        organization,
                        "preset",
                        preset),
                Map.of("replacements", Map.copyOf(sorted), "replaced", replaced));
    }

    public static Event oneTimePasscode(UUID user, String passcode) {
        return toOwner("one-time-passcode", ONE_TIME_PASSCODE, user, labels("one_time_passcode", passcode));
    }

    private static Event toOwner(String name, UUID template, UUID owner, Map<String, String> labels) {
        return new Event(name, List.of(new Notice(template, new Recipients.User(owner), labels)));
    }

    private static Event toTemplateAdmins(String name, UUID template, Map<String, String> labels) {
        return toTemplateAdmins(name, template, labels, Map.of());
    }

    private static Event toTemplateAdmins(
            String name, UUID template, Map<String, String> labels, Map<String, Object> data) {
        return new Event(name, List.of(new Notice(template, TEMPLATE_ADMINS, labels, data)));
    }

    /** Pairs of key and value; a null or blank value is left out, so optional labels stay optional. */
    private static Map<String, String> labels(String... pairs) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null && !pairs[i + 1].isBlank()) {
                labels.put(pairs[i], pairs[i + 1]);
            }
        }
        return labels;
    }
}
