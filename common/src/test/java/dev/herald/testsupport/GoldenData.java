package dev.herald.testsupport;

import dev.herald.model.SystemTemplates;
import java.util.UUID;

/**
 * The {@code data} the golden files render each template with: Coder's example data for the templates that list
 * structured data (the failed-builds report, the full volumes), a marker for the rest.
 */
public final class GoldenData {

    private static final String REPORT = """
            {"report_frequency": "week", "templates": [{"name": "bobby-first-template",
             "display_name": "Bobby First Template", "failed_builds": 4, "total_builds": 55, "versions": [
              {"template_version_name": "bobby-template-version-1", "failed_count": 3, "plural": true,
               "failed_builds": [
                {"workspace_owner_username": "mtojek", "workspace_name": "workspace-1", "build_number": 1234},
                {"workspace_owner_username": "johndoe", "workspace_name": "my-workspace-3", "build_number": 5678},
                {"workspace_owner_username": "jack", "workspace_name": "workwork", "build_number": 774}]},
              {"template_version_name": "bobby-template-version-2", "failed_count": 1, "plural": false,
               "failed_builds": [
                {"workspace_owner_username": "ben", "workspace_name": "cool-workspace", "build_number": 8888}]}]}]}
            """;

    private static final String VOLUMES = """
            {"volumes": [{"path": "/home/coder", "threshold": "90%"}, {"path": "/etc/coder", "threshold": "95%"}]}
            """;

    private static final String REPLACEMENTS = """
            {"replacements": {"docker_container[0]": "env, hostname"},
             "replaced": [{"resource": "docker_container[0]", "attributes": "env, hostname"}]}
            """;

    private GoldenData() {}

    public static String dataFor(UUID template) {
        if (template.equals(SystemTemplates.WORKSPACE_BUILDS_FAILED_REPORT)) {
            return REPORT;
        }
        if (template.equals(SystemTemplates.PREBUILT_WORKSPACE_RESOURCE_REPLACED)) {
            return REPLACEMENTS;
        }
        if (template.equals(SystemTemplates.WORKSPACE_OUT_OF_DISK)) {
            return VOLUMES;
        }
        return "{\"source\": \"golden\"}";
    }
}
