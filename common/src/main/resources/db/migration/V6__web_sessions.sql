-- Web UI sessions. The cookie holds a random token; only its hash is stored, with the CSRF token every form of the
-- session must echo. Sessions end at expires_at or at sign-out.
CREATE TABLE web_sessions (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE INDEX web_sessions_expiry_idx ON web_sessions (expires_at);
