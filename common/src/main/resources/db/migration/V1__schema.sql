-- Herald's tables keep the names and columns of Coder's notification schema, so that producers, dashboards and
-- troubleshooting queries written for it work unchanged.

CREATE TYPE notification_method AS ENUM ('smtp', 'webhook');

CREATE TYPE notification_message_status AS ENUM (
    'pending',
    'leased',
    'sent',
    'permanent_failure',
    'temporary_failure',
    'unknown',
    'inhibited'
);

CREATE TYPE notification_template_kind AS ENUM ('system');

CREATE TYPE user_status AS ENUM ('active', 'suspended', 'dormant');

-- The recipients directory.
CREATE TABLE users (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email      text        NOT NULL,
    username   text        NOT NULL,
    name       text        NOT NULL DEFAULT '',
    roles      text[]      NOT NULL DEFAULT '{}',
    status     user_status NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['owner', 'user-admin', 'template-admin', 'member']::text[]),
    CONSTRAINT users_email_not_blank CHECK (btrim(email) <> ''),
    CONSTRAINT users_username_not_blank CHECK (btrim(username) <> '')
);

CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
-- Fan-out looks users up by role ("every active user-admin").
CREATE INDEX users_roles_idx ON users USING gin (roles);

CREATE TABLE notification_templates (
    id                 uuid                       PRIMARY KEY,
    name               text                       NOT NULL UNIQUE,
    title_template     text                       NOT NULL,
    body_template      text                       NOT NULL,
    actions            jsonb,
    "group"            text,
    -- NULL means "the deployment's default method"; a value is the per-event override.
    method             notification_method,
    kind               notification_template_kind NOT NULL DEFAULT 'system',
    enabled_by_default boolean                    NOT NULL DEFAULT true,
    -- Herald addition: the labels a producer must supply, checked before anything is written.
    required_labels    text[]                     NOT NULL DEFAULT '{}'
);

COMMENT ON COLUMN notification_templates.method IS
    'NULL defers to the deployment default method; a value overrides it for this event';

CREATE TABLE notification_preferences (
    user_id                  uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    notification_template_id uuid        NOT NULL REFERENCES notification_templates (id) ON DELETE CASCADE,
    disabled                 boolean     NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, notification_template_id)
);

CREATE TABLE notification_messages (
    id                       uuid                        PRIMARY KEY DEFAULT gen_random_uuid(),
    notification_template_id uuid                        NOT NULL REFERENCES notification_templates (id) ON DELETE CASCADE,
    user_id                  uuid                        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method                   notification_method         NOT NULL,
    status                   notification_message_status NOT NULL DEFAULT 'pending',
    status_reason            text,
    created_by               text                        NOT NULL,
    payload                  jsonb                       NOT NULL,
    attempt_count            integer                     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    targets                  uuid[],
    created_at               timestamptz                 NOT NULL DEFAULT now(),
    updated_at               timestamptz                 NOT NULL DEFAULT now(),
    leased_until             timestamptz,
    next_retry_after         timestamptz,
    queued_seconds           double precision,
    dedupe_hash              text
);

-- Dedupe: one message per template, user, method, payload, targets and UTC day. A repeat is rejected by this index.
CREATE UNIQUE INDEX notification_messages_dedupe_hash_idx ON notification_messages (dedupe_hash);

-- The queue's hot predicates, each a small partial index so they stay cheap with millions of settled rows:
-- the reconciler's "pending for too long", "retry overdue" and "lease expired" passes.
CREATE INDEX notification_messages_pending_idx ON notification_messages (created_at)
    WHERE status = 'pending';
CREATE INDEX notification_messages_retry_due_idx ON notification_messages (next_retry_after)
    WHERE status = 'temporary_failure';
CREATE INDEX notification_messages_lease_expiry_idx ON notification_messages (leased_until)
    WHERE status = 'leased';
-- Retention deletes by age whatever the state.
CREATE INDEX notification_messages_created_at_idx ON notification_messages (created_at);
-- Troubleshooting: counts per status, a user's messages newest first.
CREATE INDEX notification_messages_status_idx ON notification_messages (status);
CREATE INDEX notification_messages_user_idx ON notification_messages (user_id, created_at DESC);
CREATE INDEX notification_messages_template_idx ON notification_messages (notification_template_id, created_at DESC);

-- The day comes from created_at rather than now(), so a producer (or a test with a moved clock) that sets
-- created_at decides which day a message belongs to, and the hash never changes after the insert.
CREATE FUNCTION compute_notification_message_dedupe_hash() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    NEW.dedupe_hash := md5(concat_ws('|',
        NEW.notification_template_id::text,
        NEW.user_id::text,
        NEW.method::text,
        NEW.payload::text,
        coalesce(NEW.targets::text, ''),
        (NEW.created_at AT TIME ZONE 'UTC')::date::text));
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION compute_notification_message_dedupe_hash() IS
    'Hash that rejects a repeat of the same notification to the same user on the same UTC day';

CREATE TRIGGER update_notification_message_dedupe_hash
    BEFORE INSERT ON notification_messages
    FOR EACH ROW EXECUTE FUNCTION compute_notification_message_dedupe_hash();

-- Opt-out is enforced here so that producers in any language get it: a message for a notification the user turned
-- off (or never turned on, when it is off by default) is never written.
CREATE FUNCTION inhibit_enqueue_if_disabled() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (
        SELECT 1
        FROM notification_templates t
        LEFT JOIN notification_preferences p
               ON p.notification_template_id = t.id
              AND p.user_id = NEW.user_id
        WHERE t.id = NEW.notification_template_id
          AND (p.disabled = true OR (t.enabled_by_default = false AND p.notification_template_id IS NULL))
    ) THEN
        RAISE EXCEPTION 'cannot enqueue message: the user % has disabled notification template %',
            NEW.user_id, NEW.notification_template_id
            USING ERRCODE = 'HN001',
                  HINT = 'the recipient opted out; this is not an error to retry';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER inhibit_enqueue_if_disabled
    BEFORE INSERT ON notification_messages
    FOR EACH ROW EXECUTE FUNCTION inhibit_enqueue_if_disabled();

-- Deployment-wide settings, as Coder keeps them.
CREATE TABLE site_configs (
    key   varchar(256) PRIMARY KEY,
    value text         NOT NULL
);

INSERT INTO site_configs (key, value) VALUES
    ('notifications_settings', '{"notifier_paused": false}'),
    ('notifications_default_method', 'smtp');
