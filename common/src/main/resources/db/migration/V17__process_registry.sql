-- Every running `herald server` process, for the fleet view: it registers at start, beats every few seconds and
-- deletes its row when it stops. A process that died without a word is the one whose heartbeat stopped.
CREATE TABLE herald_processes (
    id           uuid        PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    roles        text[]      NOT NULL,
    version      text        NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);
