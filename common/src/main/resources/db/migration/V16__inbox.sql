-- The in-app inbox: what the inbox dispatcher writes, and what users list, watch and mark as read. A row's id is the
-- id of the message it was delivered from, so delivering the same message twice (after a crash) writes it once.
CREATE TABLE inbox_notifications (
    id          uuid        PRIMARY KEY,
    user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    template_id uuid        NOT NULL REFERENCES notification_templates (id) ON DELETE CASCADE,
    targets     uuid[]      NOT NULL DEFAULT '{}',
    title       text        NOT NULL,
    content     text        NOT NULL,
    icon        text        NOT NULL DEFAULT '',
    actions     jsonb       NOT NULL DEFAULT '[]',
    read_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A user's inbox newest first, and the unread count every answer carries.
CREATE INDEX inbox_notifications_user_idx ON inbox_notifications (user_id, created_at DESC, id DESC);
CREATE INDEX inbox_notifications_unread_idx ON inbox_notifications (user_id) WHERE read_at IS NULL;

-- Enqueue now writes up to two rows: one for the chosen method and, as in Coder, an inbox copy of it with retries of
-- its own. Two deployment facts steer it, recorded by every server at start (site_configs):
--   notifications_inbox_enabled        'true' when the inbox is on. Absent means off: a database that no server has
--                                      started against has no inbox dispatcher to deliver the copies.
--   notifications_delivery_configured  'false' when neither email nor a webhook is configured: messages of templates
--                                      without a method of their own then go to the inbox only. Absent means true.
-- One-time passcodes never go to the inbox, as in Coder: a passcode is for the mailbox its owner proved.
CREATE OR REPLACE FUNCTION try_enqueue_notification_message(
    template_id uuid,
    user_id     uuid,
    labels      jsonb,
    data        jsonb,
    created_by  text,
    targets     uuid[] DEFAULT NULL
) RETURNS TABLE (message_id uuid, outcome text, detail text)
    LANGUAGE plpgsql AS
$$
DECLARE
    tpl            notification_templates%ROWTYPE;
    recipient      users%ROWTYPE;
    chosen_method  notification_method;
    inbox_copy     boolean;
    missing        text[];
    not_strings    text;
    message        jsonb;
    new_id         uuid;
BEGIN
    SELECT * INTO tpl FROM notification_templates t WHERE t.id = try_enqueue_notification_message.template_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::uuid, 'unknown_template',
            format('unknown notification template %s', try_enqueue_notification_message.template_id);
        RETURN;
    END IF;

    SELECT * INTO recipient FROM users u WHERE u.id = try_enqueue_notification_message.user_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT NULL::uuid, 'unknown_user',
            format('unknown user %s', try_enqueue_notification_message.user_id);
        RETURN;
    END IF;

    IF labels IS NOT NULL AND jsonb_typeof(labels) <> 'object' THEN
        RETURN QUERY SELECT NULL::uuid, 'invalid_labels',
            format('labels must be a JSON object of strings, got a JSON %s', jsonb_typeof(labels));
        RETURN;
    END IF;
    SELECT string_agg(l.key, ', ' ORDER BY l.key) INTO not_strings
    FROM jsonb_each(coalesce(labels, '{}')) l WHERE jsonb_typeof(l.value) <> 'string';
    IF not_strings IS NOT NULL THEN
        RETURN QUERY SELECT NULL::uuid, 'invalid_labels',
            format('labels must be a JSON object of strings; these are not: %s', not_strings);
        RETURN;
    END IF;
    missing := ARRAY(
        SELECT r FROM unnest(tpl.required_labels) r WHERE coalesce(labels ->> r, '') = '' ORDER BY r);
    IF cardinality(missing) > 0 THEN
        RETURN QUERY SELECT NULL::uuid, 'invalid_labels',
            format('template "%s" needs the labels: %s', tpl.name, array_to_string(missing, ', '));
        RETURN;
    END IF;
    IF data IS NOT NULL AND jsonb_typeof(data) <> 'object' THEN
        RETURN QUERY SELECT NULL::uuid, 'invalid_labels',
            format('data must be a JSON object, got a JSON %s', jsonb_typeof(data));
        RETURN;
    END IF;

    -- The same rule as the opt-out trigger, checked first so that it is an outcome rather than an error.
    IF EXISTS (
        SELECT 1
        FROM notification_preferences p
        WHERE p.user_id = recipient.id AND p.notification_template_id = tpl.id AND p.disabled
    ) OR (
        NOT tpl.enabled_by_default AND NOT EXISTS (
            SELECT 1 FROM notification_preferences p
            WHERE p.user_id = recipient.id AND p.notification_template_id = tpl.id)
    ) THEN
        RETURN QUERY SELECT NULL::uuid, 'disabled',
            format('%s has disabled "%s"', recipient.username, tpl.name);
        RETURN;
    END IF;

    inbox_copy := tpl.id <> '62f86a30-2330-4b61-a26d-311ff3b608cf'
        AND coalesce((SELECT s.value FROM site_configs s WHERE s.key = 'notifications_inbox_enabled'), 'false') = 'true';
    IF tpl.method IS NOT NULL THEN
        chosen_method := tpl.method;
    ELSIF coalesce(
            (SELECT s.value FROM site_configs s WHERE s.key = 'notifications_delivery_configured'), 'true') = 'true' THEN
        chosen_method := coalesce(
            (SELECT s.value::notification_method FROM site_configs s WHERE s.key = 'notifications_default_method'),
            'smtp');
    ELSIF inbox_copy THEN
        chosen_method := 'inbox';
    ELSE
        RETURN QUERY SELECT NULL::uuid, 'no_method',
            'neither email nor a webhook is configured, and the inbox is off'::text;
        RETURN;
    END IF;

    message := jsonb_build_object(
        '_version', '1.2',
        'notification_name', tpl.name,
        'notification_template_id', tpl.id,
        'user_id', recipient.id,
        'user_email', recipient.email,
        'user_name', coalesce(nullif(recipient.name, ''), recipient.username),
        'user_username', recipient.username,
        'actions', coalesce(tpl.actions, '[]'::jsonb),
        'labels', coalesce(labels, '{}'::jsonb),
        'data', coalesce(data, '{}'::jsonb),
        'targets', to_jsonb(try_enqueue_notification_message.targets));

    -- ON CONFLICT rather than an exception handler: a handler would open a subtransaction per call, which
    -- degrades badly when a producer enqueues a large fan-out in one transaction.
    INSERT INTO notification_messages
        (notification_template_id, user_id, method, status, created_by, payload, targets)
    VALUES (tpl.id, recipient.id, chosen_method, 'pending', try_enqueue_notification_message.created_by, message,
            try_enqueue_notification_message.targets)
    ON CONFLICT (dedupe_hash) DO NOTHING
    RETURNING id INTO new_id;

    IF new_id IS NULL THEN
        RETURN QUERY SELECT NULL::uuid, 'duplicate',
            format('"%s" was already enqueued for %s today with the same content', tpl.name, recipient.username);
        RETURN;
    END IF;

    IF inbox_copy AND chosen_method <> 'inbox' THEN
        INSERT INTO notification_messages
            (notification_template_id, user_id, method, status, created_by, payload, targets)
        VALUES (tpl.id, recipient.id, 'inbox', 'pending', try_enqueue_notification_message.created_by, message,
                try_enqueue_notification_message.targets)
        ON CONFLICT (dedupe_hash) DO NOTHING;
    END IF;
    RETURN QUERY SELECT new_id, 'enqueued', NULL::text;
END;
$$;

CREATE OR REPLACE FUNCTION enqueue_notification_message(
    template_id uuid,
    user_id     uuid,
    labels      jsonb,
    data        jsonb,
    created_by  text,
    targets     uuid[] DEFAULT NULL
) RETURNS uuid
    LANGUAGE plpgsql AS
$$
DECLARE
    result record;
BEGIN
    SELECT * INTO result FROM try_enqueue_notification_message(
        enqueue_notification_message.template_id,
        enqueue_notification_message.user_id,
        enqueue_notification_message.labels,
        enqueue_notification_message.data,
        enqueue_notification_message.created_by,
        enqueue_notification_message.targets);
    CASE result.outcome
        WHEN 'enqueued' THEN
            RETURN result.message_id;
        WHEN 'disabled' THEN
            RAISE EXCEPTION 'cannot enqueue message: %', result.detail
                USING ERRCODE = 'HN001', HINT = 'the recipient opted out; this is not an error to retry';
        WHEN 'duplicate' THEN
            RAISE EXCEPTION 'duplicate notification: %', result.detail
                USING ERRCODE = 'HN002', HINT = 'dedupe allows one identical message per user, template and UTC day';
        WHEN 'unknown_template' THEN
            RAISE EXCEPTION '%', result.detail
                USING ERRCODE = 'HN003', HINT = 'list the templates with: SELECT id, name FROM notification_templates';
        WHEN 'unknown_user' THEN
            RAISE EXCEPTION '%', result.detail
                USING ERRCODE = 'HN004', HINT = 'the recipient must exist in the users table';
        WHEN 'no_method' THEN
            RAISE EXCEPTION 'cannot enqueue message: %', result.detail
                USING ERRCODE = 'HN006', HINT = 'start herald server with email, a webhook or the inbox configured';
        ELSE
            RAISE EXCEPTION '%', result.detail USING ERRCODE = 'HN005';
    END CASE;
END;
$$;
