-- The in-app inbox is a delivery method of its own, as in Coder: its messages have their own rows, topic, retries
-- and dispatcher. The value is added alone because PostgreSQL lets a new enum value be used only once the
-- transaction that added it has committed.
ALTER TYPE notification_method ADD VALUE IF NOT EXISTS 'inbox';
