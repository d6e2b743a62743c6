-- API tokens for the HTTP API and the admin CLI. Only a hash of each secret is stored: a leaked table does not leak
-- working tokens. A token is "<id>-<secret>"; the id finds the row, the secret is checked against the hash.
CREATE TABLE api_keys (
    id            text        PRIMARY KEY,
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hashed_secret bytea       NOT NULL,
    token_name    text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used     timestamptz,
    expires_at    timestamptz
);

CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- Password sign-in for the web UI; NULL means the user signs in with an API token only.
ALTER TABLE users ADD COLUMN hashed_password text;
