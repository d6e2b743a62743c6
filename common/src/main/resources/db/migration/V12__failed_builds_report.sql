-- Coder's periodic report of failed workspace builds, with Coder's id, to template admins. Its data is
-- {report_frequency, templates: [{name, display_name, failed_builds, total_builds, versions: [{template_version_name,
-- failed_count, plural, failed_builds: [{workspace_owner_username, workspace_name, build_number}]}]}]}; "plural" stands
-- in for Coder's "more than one" test, which Mustache cannot make (Event.workspaceBuildsFailedReport sets it).

INSERT INTO notification_templates
    (id, name, title_template, body_template, actions, "group", required_labels, enabled_by_default)
VALUES
(
    '34a20db2-e9cc-4a93-b0e4-8569699d7a00',
    'Report: Workspace Builds Failed',
    'Failed workspace builds report',
    E'The following templates have had build failures over the last {{data.report_frequency}}:\n\n{{#data.templates}}\n- **{{display_name}}** failed to build {{failed_builds}}/{{total_builds}} times\n{{/data.templates}}\n\n**Report:**\n{{#data.templates}}\n\n**{{display_name}}**\n\n{{#versions}}\n- **{{template_version_name}}** failed {{failed_count}} time{{#plural}}s{{/plural}}:\n{{#failed_builds}}\n   - [{{workspace_owner_username}} / {{workspace_name}} / #{{build_number}}]({{access_url}}/@{{workspace_owner_username}}/{{workspace_name}}/builds/{{build_number}})\n{{/failed_builds}}\n{{/versions}}\n{{/data.templates}}\n\nWe recommend reviewing these issues to ensure future builds are successful.',
    '[{"label": "View workspaces", "url": "{{access_url}}/workspaces?filter=template%3A{{#labels.template_name}}{{labels.template_name}}{{/labels.template_name}}"}]',
    'Template Events',
    '{}',
    true
);
