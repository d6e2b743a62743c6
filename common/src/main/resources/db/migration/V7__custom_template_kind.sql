-- Coder keeps the custom notification's template apart from the system ones: its kind is 'custom', and
-- GET /notifications/templates/custom lists it. A new enum value is usable only once this transaction commits, so
-- the template is moved in the next migration.
ALTER TYPE notification_template_kind ADD VALUE IF NOT EXISTS 'custom';
