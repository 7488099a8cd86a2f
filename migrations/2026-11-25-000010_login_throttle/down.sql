DROP INDEX login_attempts_device_idx;
ALTER TABLE login_attempts
    DROP CONSTRAINT login_attempts_succeeded_matches_outcome,
    DROP COLUMN device,
    DROP COLUMN outcome;
