-- Coder's newer system templates, with Coder's fixed ids, names, groups, defaults, titles, bodies and actions
-- (rewritten from Go templates into Herald's Mustache: {{.Labels.x}} is {{labels.x}}, {{.UserName}} is {{user_name}},
-- {{base_url}} is {{access_url}}). Workspace Created and Workspace Manually Updated are off unless a user turns them
-- on, as in Coder.

INSERT INTO notification_templates
    (id, name, title_template, body_template, actions, "group", required_labels, enabled_by_default)
VALUES
(
    '281fdf73-c6d6-4cbb-8ff5-888baf8a2fff',
    'Workspace Created',
    'Workspace ''{{labels.workspace}}'' has been created',
    E'Hello {{user_name}},\n\nThe workspace **{{labels.workspace}}** has been created from the template **{{labels.template}}** using version **{{labels.version}}**.',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.workspace}}"}]',
    'Workspace Events',
    '{workspace,template,version}',
    false
),
(
    'd089fe7b-d5c5-4c0c-aaf5-689859f7d392',
    'Workspace Manually Updated',
    'Workspace ''{{labels.workspace}}'' has been manually updated',
    'A new workspace build has been manually created for your workspace **{{labels.workspace}}** by **{{labels.initiator}}** to update it to version **{{labels.version}}** of template **{{labels.template}}**.',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{labels.workspace_owner_username}}/{{labels.workspace}}"},
      {"label": "View template version", "url": "{{access_url}}/templates/{{labels.organization}}/{{labels.template}}/versions/{{labels.version}}"}]',
    'Workspace Events',
    '{workspace,initiator,version,template,organization,workspace_owner_username}',
    false
),
(
    'a9d027b4-ac49-4fb1-9f6d-45af15f64e7a',
    'Workspace Out Of Memory',
    'Your workspace "{{labels.workspace}}" is low on memory',
    E'Hi {{user_name}},\n\nYour workspace **{{labels.workspace}}** has reached the memory usage threshold set at **{{labels.threshold}}**.',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.workspace}}"}]',
    'Workspace Events',
    '{workspace,threshold}',
    true
),
(
    'f40fae84-55a2-42cd-99fa-b41c1ca64894',
    'Template Deprecated',
    'Template ''{{labels.template}}'' has been deprecated',
    E'Hello {{user_name}},\n\nThe template **{{labels.template}}** has been deprecated with the following message:\n\n**{{labels.message}}**\n\nNew workspaces may not be created from this template. Existing workspaces will continue to function normally.',
    '[{"label": "See affected workspaces", "url": "{{access_url}}/workspaces?filter=owner%3Ame+template%3A{{labels.template}}"},
      {"label": "View template", "url": "{{access_url}}/templates/{{labels.organization}}/{{labels.template}}"}]',
    'Template Events',
    '{template,message,organization}',
    true
);
