-- One SQL call enqueues a notification from any language:
--   SELECT enqueue_notification_message(template_id, user_id, '{"name": "ws"}', '{}', 'billing-service');
-- It snapshots the recipient into the payload (so later renames do not change what was sent), resolves the method
-- (the template's override, else the deployment default) and inserts one pending row. Errors are distinct SQLSTATEs:
--   HN001 the user disabled this notification (raised by the opt-out trigger)
--   HN002 duplicate: the same notification already went to this user today
--   HN003 unknown template        HN004 unknown user        HN005 invalid labels or data
CREATE FUNCTION enqueue_notification_message(
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
    tpl           notification_templates%ROWTYPE;
    recipient     users%ROWTYPE;
    chosen_method notification_method;
    missing       text[];
    new_id        uuid;
BEGIN
    SELECT * INTO tpl FROM notification_templates t WHERE t.id = enqueue_notification_message.template_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown notification template %', enqueue_notification_message.template_id
            USING ERRCODE = 'HN003', HINT = 'list the templates with: SELECT id, name FROM notification_templates';
    END IF;

    SELECT * INTO recipient FROM users u WHERE u.id = enqueue_notification_message.user_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown user %', enqueue_notification_message.user_id
            USING ERRCODE = 'HN004', HINT = 'the recipient must exist in the users table';
    END IF;

    IF labels IS NOT NULL AND jsonb_typeof(labels) <> 'object' THEN
        RAISE EXCEPTION 'labels must be a JSON object of strings, got a JSON %', jsonb_typeof(labels)
            USING ERRCODE = 'HN005';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_each(coalesce(labels, '{}')) l WHERE jsonb_typeof(l.value) <> 'string') THEN
        RAISE EXCEPTION 'labels must be a JSON object of strings; these are not: %',
            (SELECT string_agg(l.key, ', ') FROM jsonb_each(labels) l WHERE jsonb_typeof(l.value) <> 'string')
            USING ERRCODE = 'HN005';
    END IF;
    missing := ARRAY(
        SELECT r FROM unnest(tpl.required_labels) r WHERE coalesce(labels ->> r, '') = '');
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'template "%" needs the labels: %', tpl.name, array_to_string(missing, ', ')
            USING ERRCODE = 'HN005', HINT = 'give every required label a non-empty value';
    END IF;
    IF data IS NOT NULL AND jsonb_typeof(data) <> 'object' THEN
        RAISE EXCEPTION 'data must be a JSON object, got a JSON %', jsonb_typeof(data)
            USING ERRCODE = 'HN005';
    END IF;

    chosen_method := coalesce(
        tpl.method,
        (SELECT s.value::notification_method FROM site_configs s WHERE s.key = 'notifications_default_method'),
        'smtp');

    -- ON CONFLICT rather than an exception handler: a handler would open a subtransaction per call, which
    -- degrades badly when a producer enqueues a large fan-out in one transaction.
    INSERT INTO notification_messages
        (notification_template_id, user_id, method, status, created_by, payload, targets)
    VALUES (
        tpl.id,
        recipient.id,
        chosen_method,
        'pending',
        enqueue_notification_message.created_by,
        jsonb_build_object(
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
            'targets', to_jsonb(enqueue_notification_message.targets)),
        enqueue_notification_message.targets)
    ON CONFLICT (dedupe_hash) DO NOTHING
    RETURNING id INTO new_id;

    IF new_id IS NULL THEN
        RAISE EXCEPTION 'duplicate notification: "%" was already enqueued for user % today with the same content',
            tpl.name, recipient.id
            USING ERRCODE = 'HN002', HINT = 'dedupe allows one identical message per user, template and UTC day';
    END IF;
    RETURN new_id;
END;
$$;
