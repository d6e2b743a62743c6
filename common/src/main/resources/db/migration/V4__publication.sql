-- The CDC relay streams only new messages: status updates are state, not work, and are never published.
CREATE PUBLICATION herald_notification_messages FOR TABLE notification_messages WITH (publish = 'insert');
