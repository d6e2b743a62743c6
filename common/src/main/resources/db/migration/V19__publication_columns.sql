-- The relay makes a work token from five columns of a new message. On PostgreSQL 15 and later the publication carries
-- only those, so that the server decodes and sends, and the relay parses, no payload, targets or timestamps it would
-- drop (issue 14). Older servers keep publishing every column; the relay ignores the rest there.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 150000 THEN
        ALTER PUBLICATION herald_notification_messages
            SET TABLE notification_messages (id, method, notification_template_id, user_id, attempt_count);
    END IF;
END
$$;
