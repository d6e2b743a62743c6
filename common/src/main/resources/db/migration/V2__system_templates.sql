-- One template per event, with Coder's fixed ids so that integrations keyed on them keep working.
-- Titles and bodies are Mustache templates over the message payload: {{user_name}}, {{user_username}},
-- {{user_email}}, {{labels.<name>}} and {{data.<name>}}; action URLs may also use {{access_url}}.
-- Bodies are Markdown; required_labels lists what a producer must supply.

INSERT INTO notification_templates (id, name, title_template, body_template, actions, "group", required_labels) VALUES
(
    'f517da0b-cdc9-410f-ab89-a86107c420ed',
    'Workspace Deleted',
    'Workspace "{{labels.name}}" deleted',
    E'Hi {{user_name}}\n\nYour workspace {{labels.name}} was deleted.\nThe specified reason was "{{labels.reason}}{{#labels.initiator}} ({{labels.initiator}}){{/labels.initiator}}".',
    '[{"label": "View workspaces", "url": "{{access_url}}/workspaces"},
      {"label": "View templates", "url": "{{access_url}}/templates"}]',
    'Workspace Events',
    '{name,reason}'
),
(
    '2faeee0f-26cb-4e96-821c-85ccb9f71513',
    'Workspace Manual Build Failed',
    'Workspace "{{labels.name}}" manual build failed',
    E'Hi {{user_name}}\n\nA manual build of the workspace **{{labels.name}}** using the template **{{labels.template_name}}** failed (version: **{{labels.template_version_name}}**).\nThe build was started by **{{labels.initiator}}**.',
    '[{"label": "View build", "url": "{{access_url}}/@{{labels.workspace_owner_username}}/{{labels.name}}/builds/{{labels.workspace_build_number}}"}]',
    'Workspace Events',
    '{name,template_name,template_version_name,initiator,workspace_owner_username,workspace_build_number}'
),
(
    '381df2a9-c0c0-4749-420f-80a9280c66f9',
    'Workspace Autobuild Failed',
    'Workspace "{{labels.name}}" autobuild failed',
    E'Hi {{user_name}}\n\nAn automatic build of your workspace **{{labels.name}}** failed.\nThe specified reason was "{{labels.reason}}".',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.name}}"}]',
    'Workspace Events',
    '{name,reason}'
),
(
    'c34a0c09-0704-4cac-bd1c-0c0146811c2b',
    'Workspace Updated Automatically',
    'Workspace "{{labels.name}}" updated automatically',
    E'Hi {{user_name}}\n\nYour workspace **{{labels.name}}** was updated automatically to the latest template version ({{labels.template_version_name}}).{{#labels.template_version_message}}\nReason for the update: **{{labels.template_version_message}}**.{{/labels.template_version_message}}',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.name}}"}]',
    'Workspace Events',
    '{name,template_version_name}'
),
(
    '0ea69165-ec14-4314-91f1-69566ac3c5a0',
    'Workspace Marked as Dormant',
    'Workspace "{{labels.name}}" marked as dormant',
    E'Hi {{user_name}}\n\nYour workspace **{{labels.name}}** was marked as **dormant** because of {{labels.reason}}.\nDormant workspaces are deleted automatically after {{labels.timeTilDormant}} of inactivity.\nTo keep it, use the workspace before then.',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.name}}"}]',
    'Workspace Events',
    '{name,reason,timeTilDormant}'
),
(
    '51ce2fdf-c9ca-4be1-8d70-628674f9bc42',
    'Workspace Marked for Deletion',
    'Workspace "{{labels.name}}" marked for deletion',
    E'Hi {{user_name}}\n\nYour workspace **{{labels.name}}** was marked for **deletion** after {{labels.timeTilDormant}} of dormancy because of {{labels.reason}}.\nTo keep it, use the workspace before then.',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.name}}"}]',
    'Workspace Events',
    '{name,reason,timeTilDormant}'
),
(
    '4e19c0ac-94e1-4532-9515-d1801aa283b2',
    'User account created',
    'User account "{{labels.created_account_name}}" created',
    E'Hi {{user_name}}\n\nA new user account **{{labels.created_account_name}}** was created.{{#labels.initiator}}\nIt was created by **{{labels.initiator}}**.{{/labels.initiator}}',
    '[{"label": "View accounts", "url": "{{access_url}}/deployment/users?filter=status%3Aactive"}]',
    'User Events',
    '{created_account_name}'
),
(
    'f44d9314-ad03-4bc8-95d0-5cad491da6b6',
    'User account deleted',
    'User account "{{labels.deleted_account_name}}" deleted',
    E'Hi {{user_name}}\n\nThe user account **{{labels.deleted_account_name}}** was deleted.{{#labels.initiator}}\nIt was deleted by **{{labels.initiator}}**.{{/labels.initiator}}',
    '[{"label": "View accounts", "url": "{{access_url}}/deployment/users?filter=status%3Aactive"}]',
    'User Events',
    '{deleted_account_name}'
),
(
    'b02ddd82-4733-4d02-a2d7-c36f3598997d',
    'User account suspended',
    'User account "{{labels.suspended_account_name}}" suspended',
    E'Hi {{user_name}}\n\nThe user account **{{labels.suspended_account_name}}** was suspended.{{#labels.initiator}}\nIt was suspended by **{{labels.initiator}}**.{{/labels.initiator}}',
    '[{"label": "View suspended accounts", "url": "{{access_url}}/deployment/users?filter=status%3Asuspended"}]',
    'User Events',
    '{suspended_account_name}'
),
(
    '9f5af851-8408-4e73-a7a1-c6502ba46689',
    'User account activated',
    'User account "{{labels.activated_account_name}}" activated',
    E'Hi {{user_name}}\n\nThe user account **{{labels.activated_account_name}}** was activated.{{#labels.initiator}}\nIt was activated by **{{labels.initiator}}**.{{/labels.initiator}}',
    '[{"label": "View accounts", "url": "{{access_url}}/deployment/users?filter=status%3Aactive"}]',
    'User Events',
    '{activated_account_name}'
),
(
    '6a2f0609-9b69-4d36-a989-9f5925b6cbff',
    'Your account has been suspended',
    'Your account "{{labels.suspended_account_name}}" has been suspended',
    E'Hi {{user_name}}\n\nYour account **{{labels.suspended_account_name}}** has been suspended{{#labels.initiator}} by **{{labels.initiator}}**{{/labels.initiator}}.\nContact an administrator if you think this is a mistake.',
    '[]',
    'User Events',
    '{suspended_account_name}'
),
(
    '1a6a6bea-ee0a-43e2-9e7c-eabdb53730e4',
    'Your account has been activated',
    'Your account "{{labels.activated_account_name}}" has been activated',
    E'Hi {{user_name}}\n\nYour account **{{labels.activated_account_name}}** has been activated{{#labels.initiator}} by **{{labels.initiator}}**{{/labels.initiator}}.\nYou can sign in again.',
    '[{"label": "Open Herald", "url": "{{access_url}}"}]',
    'User Events',
    '{activated_account_name}'
),
(
    '29a09665-2a4c-403f-9648-54301670e7be',
    'Template Deleted',
    'Template "{{labels.name}}" deleted',
    E'Hi {{user_name}}\n\nThe template **{{labels.name}}** was deleted{{#labels.initiator}} by **{{labels.initiator}}**{{/labels.initiator}}.',
    '[{"label": "View templates", "url": "{{access_url}}/templates"}]',
    'Template Events',
    '{name}'
),
(
    'c425f63e-716a-4bf4-ae24-78348f706c3f',
    'Test Notification',
    'A test notification',
    E'Hi {{user_name}}\n\nThis is a test notification. If you can read it, notifications reach you.',
    '[{"label": "View notification settings", "url": "{{access_url}}/deployment/notifications?tab=settings"}]',
    'Notification Events',
    '{}'
),
(
    '39b1e189-c857-4b0c-877a-511144c18516',
    'Custom Notification',
    '{{labels.custom_title}}',
    '{{labels.custom_message}}',
    '[]',
    'Custom Events',
    '{custom_title,custom_message}'
);
