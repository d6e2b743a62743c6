-- Coder's account notices name the person an account belongs to ("created for William Tables by rob"); Herald's had
-- dropped that. The name comes as the optional label <x>_account_user_name; without it the sentence falls back to
-- the initiator alone, as before. Paragraphs as in Coder's bodies.

UPDATE notification_templates SET body_template =
    E'Hi {{user_name}}\n\nNew user account **{{labels.created_account_name}}** has been created.{{#labels.created_account_user_name}}\n\nThis new user account was created for **{{labels.created_account_user_name}}**{{#labels.initiator}} by **{{labels.initiator}}**{{/labels.initiator}}.{{/labels.created_account_user_name}}{{^labels.created_account_user_name}}{{#labels.initiator}}\n\nIt was created by **{{labels.initiator}}**.{{/labels.initiator}}{{/labels.created_account_user_name}}'
WHERE id = '4e19c0ac-94e1-4532-9515-d1801aa283b2';

UPDATE notification_templates SET body_template =
    E'Hi {{user_name}}\n\nUser account **{{labels.deleted_account_name}}** has been deleted.{{#labels.deleted_account_user_name}}\n\nThe deleted account belonged to **{{labels.deleted_account_user_name}}**{{#labels.initiator}} and was deleted by **{{labels.initiator}}**{{/labels.initiator}}.{{/labels.deleted_account_user_name}}{{^labels.deleted_account_user_name}}{{#labels.initiator}}\n\nIt was deleted by **{{labels.initiator}}**.{{/labels.initiator}}{{/labels.deleted_account_user_name}}'
WHERE id = 'f44d9314-ad03-4bc8-95d0-5cad491da6b6';

UPDATE notification_templates SET body_template =
    E'Hi {{user_name}}\n\nUser account **{{labels.suspended_account_name}}** has been suspended.{{#labels.suspended_account_user_name}}\n\nThe account belongs to **{{labels.suspended_account_user_name}}**{{#labels.initiator}} and it was suspended by **{{labels.initiator}}**{{/labels.initiator}}.{{/labels.suspended_account_user_name}}{{^labels.suspended_account_user_name}}{{#labels.initiator}}\n\nIt was suspended by **{{labels.initiator}}**.{{/labels.initiator}}{{/labels.suspended_account_user_name}}'
WHERE id = 'b02ddd82-4733-4d02-a2d7-c36f3598997d';

UPDATE notification_templates SET body_template =
    E'Hi {{user_name}}\n\nUser account **{{labels.activated_account_name}}** has been activated.{{#labels.activated_account_user_name}}\n\nThe account belongs to **{{labels.activated_account_user_name}}**{{#labels.initiator}} and it was activated by **{{labels.initiator}}**{{/labels.initiator}}.{{/labels.activated_account_user_name}}{{^labels.activated_account_user_name}}{{#labels.initiator}}\n\nIt was activated by **{{labels.initiator}}**.{{/labels.initiator}}{{/labels.activated_account_user_name}}'
WHERE id = '9f5af851-8408-4e73-a7a1-c6502ba46689';
