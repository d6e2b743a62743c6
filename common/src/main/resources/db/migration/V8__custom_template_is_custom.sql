UPDATE notification_templates SET kind = 'custom' WHERE id = '39b1e189-c857-4b0c-877a-511144c18516';
