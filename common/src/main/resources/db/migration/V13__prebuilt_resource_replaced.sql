-- Coder's Prebuilt Workspace Resource Replaced, with Coder's id, to template admins. Coder's data.replacements maps
-- each replaced resource to the attributes that changed; Mustache cannot walk a map, so
-- Event.prebuiltWorkspaceResourceReplaced also lists them as data.replaced ([{resource, attributes}]), which the body
-- walks. Coder's closing link to its own guide is left out: Herald's messages name no other product's documents.

INSERT INTO notification_templates
    (id, name, title_template, body_template, actions, "group", required_labels, enabled_by_default)
VALUES
(
    '89d9745a-816e-4695-a17f-3d0a229e2b8d',
    'Prebuilt Workspace Resource Replaced',
    'There might be a problem with a recently claimed prebuilt workspace',
    E'Workspace **{{labels.workspace}}** was claimed from a prebuilt workspace by **{{labels.claimant}}**.\n\nDuring the claim, Terraform destroyed and recreated the following resources\nbecause one or more immutable attributes changed:\n\n{{#data.replaced}}\n- _{{resource}}_  was replaced due to changes to _{{attributes}}_\n{{/data.replaced}}\n\nWhen Terraform must change an immutable attribute, it replaces the entire resource.\nIf you are using prebuilds to speed up provisioning, unexpected replacements will slow down\nworkspace startup, even when claiming a prebuilt environment.\n\nNOTE: this prebuilt workspace used the **{{labels.preset}}** preset.',
    '[{"label": "View workspace build", "url": "{{access_url}}/@{{labels.claimant}}/{{labels.workspace}}/builds/{{labels.workspace_build_num}}"},
      {"label": "View template version", "url": "{{access_url}}/templates/{{labels.org}}/{{labels.template}}/versions/{{labels.template_version}}"}]',
    'Template Events',
    '{workspace,claimant,preset,workspace_build_num,org,template,template_version}',
    true
);
