-- Three more of Coder's newer templates, with Coder's ids. Workspace Out Of Disk lists data.volumes ({path,
-- threshold}); Coder words a single volume differently, which Mustache cannot count, so Event.workspaceOutOfDisk also
-- gives data.single_volume when there is exactly one. The one-time passcode speaks of "your account", not of a
-- product; Coder keeps it out of the in-app inbox.

INSERT INTO notification_templates
    (id, name, title_template, body_template, actions, "group", required_labels, enabled_by_default)
VALUES
(
    'f047f6a3-5713-40f7-85aa-0394cce9fa3a',
    'Workspace Out Of Disk',
    'Your workspace "{{labels.workspace}}" is low on volume space',
    E'{{#data.single_volume}}Volume **`{{path}}`** is over {{threshold}} full in workspace **{{labels.workspace}}**.{{/data.single_volume}}{{^data.single_volume}}Hi {{user_name}},\n\nThe following volumes are nearly full in workspace **{{labels.workspace}}**\n\n{{#data.volumes}}- **`{{path}}`** is over {{threshold}} full\n{{/data.volumes}}{{/data.single_volume}}',
    '[{"label": "View workspace", "url": "{{access_url}}/@{{user_username}}/{{labels.workspace}}"}]',
    'Workspace Events',
    '{workspace}',
    true
),
(
    '414d9331-c1fc-4761-b40c-d1f4702279eb',
    'Prebuild Failure Limit Reached',
    'There is a problem creating prebuilt workspaces for the preset',
    E'The number of failed prebuilds has reached the hard limit for template **{{labels.template}}** and preset **{{labels.preset}}**.\n\nTo resume prebuilds, fix the underlying issue and upload a new template version.',
    '[{"label": "View failed workspaces", "url": "{{access_url}}/workspaces?filter=owner:prebuilds+status:failed+template:{{labels.template}}"},
      {"label": "View template version", "url": "{{access_url}}/templates/{{labels.org}}/{{labels.template}}/versions/{{labels.template_version}}"}]',
    'Template Events',
    '{template,preset,org,template_version}',
    true
),
(
    '62f86a30-2330-4b61-a26d-311ff3b608cf',
    'One-Time Passcode',
    'Your One-Time Passcode',
    E'Hi {{user_name}},\n\nA request to reset the password for your account has been made. Your one-time passcode is:\n\n**{{labels.one_time_passcode}}**\n\nIf you did not request to reset your password, you can ignore this message.',
    '[]',
    'User Events',
    '{one_time_passcode}',
    true
);
