DROP TABLE bulk_submissions;
DROP INDEX events_actor_user_idx;
ALTER TABLE events DROP COLUMN actor_user_id;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE staff_users;
