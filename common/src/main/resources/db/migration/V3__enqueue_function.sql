-- One SQL call enqueues a notification from any language:
--   SELECT enqueue_notification_message(template_id, user_id, '{"name": "ws"}', '{}', 'billing-service');
-- It snapshots the recipient into the payload (so later renames do not change what was sent), resolves the method
-- (the template's override, else the deployment default) and inserts one pending row. Errors are distinct SQLSTATEs:
--   HN001 the user disabled this notification (a plain INSERT gets the same from the opt-out trigger)
--   HN002 duplicate: the same notification already went to this user today
--   HN003 unknown template        HN004 unknown user        HN005 invalid labels or data
--
-- The rules live once, in the non-raising form below, for producers that enqueue inside their own business
-- transaction: an error raised there would abort the caller's work, while a duplicate or an opted-out recipient is
-- an ordinary outcome of fan-out. It answers with an outcome instead:
--   enqueued | duplicate | disabled | unknown_template | unknown_user | invalid_labels
CREATE FUNCTION try_enqueue_notification_message(
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
    tpl           notification_templates%ROWTYPE;
    recipient     users%ROWTYPE;
    chosen_method notification_method;
    missing       text[];
    not_strings   text;
    new_id        uuid;
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
        try_enqueue_notification_message.created_by,
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
            'targets', to_jsonb(try_enqueue_notification_message.targets)),
        try_enqueue_notification_message.targets)
    ON CONFLICT (dedupe_hash) DO NOTHING
    RETURNING id INTO new_id;

    IF new_id IS NULL THEN
        RETURN QUERY SELECT NULL::uuid, 'duplicate',
            format('"%s" was already enqueued for %s today with the same content', tpl.name, recipient.username);
        RETURN;
    END IF;
    RETURN QUERY SELECT new_id, 'enqueued', NULL::text;
END;
$$;

-- The raising form, for one-off calls: the same rules, with the outcome turned into its SQLSTATE.
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
        ELSE
            RAISE EXCEPTION '%', result.detail USING ERRCODE = 'HN005';
    END CASE;
END;
$$;
