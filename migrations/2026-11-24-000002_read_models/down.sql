DROP TRIGGER events_notify ON events;
DROP FUNCTION notify_event();
DROP FUNCTION read.history(text, bigint);
DROP FUNCTION read.has_caught_up(text, bigint);
DROP FUNCTION read.read_model_status(text, text[]);
DROP TABLE read_model_refreshes;
DROP SCHEMA read CASCADE;
-- The role is cluster-wide and may serve other databases: revoke what this
-- database granted, keep the role.
-- (Privileges on objects dropped above went with them.)
DROP EXTENSION IF EXISTS pg_trgm;
