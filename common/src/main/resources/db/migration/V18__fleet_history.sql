-- What each process's roles report about themselves (the relay's slot and state, the retry scheduler's timers, the
-- reconciler's last pass), rewritten with every heartbeat, so that any API replica can show the whole fleet.
ALTER TABLE herald_processes ADD COLUMN details jsonb NOT NULL DEFAULT '{}';

-- One row per minute and method, written by one replica at a time (the history sampler holds an advisory lock).
-- Delivered, failed and latency come from the messages finished in that minute and can be filled in afterwards;
-- queue depth and consumer lag are what the sampler saw when the minute was sampled, so they are null for minutes
-- filled in afterwards. Rows are deleted with the messages' retention. Charts read ranges by the primary key, never
-- the messages table.
CREATE TABLE herald_fleet_history (
    minute         timestamptz         NOT NULL,
    method         notification_method NOT NULL,
    delivered      integer             NOT NULL,
    failed         integer             NOT NULL,
    latency_p50_ms double precision,
    latency_p99_ms double precision,
    queue_depth    integer,
    consumer_lag   bigint,
    PRIMARY KEY (minute, method)
);

-- The sampler counts the messages that finished (sent or failed) in each minute: with this index a range scan of that
-- minute's rows, without it a scan of the whole table. Built in this migration, it holds writes to the table while
-- it builds on an upgrade (seconds per million messages; README gives the measured time). Not CONCURRENTLY: a
-- concurrent build waits for every open transaction, including those of replicas migrating at the same time.
CREATE INDEX notification_messages_finished_idx ON notification_messages (updated_at)
    WHERE status IN ('sent', 'temporary_failure', 'permanent_failure');
