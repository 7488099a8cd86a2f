-- The sign-in throttle (issue 12.4): every attempt is stored with its outcome,
-- including those refused by the throttle or by the CSRF check, and attempts
-- in flight ('pending', between the throttle's decision and the password
-- check) count as failures so concurrent guesses cannot overshoot a limit.
-- `device` is the SHA-256 of the browser's device cookie, when it sent one.
ALTER TABLE login_attempts
    ADD COLUMN outcome text NOT NULL DEFAULT 'failed'
        CHECK (outcome IN ('pending', 'succeeded', 'failed', 'throttled', 'csrf_refused')),
    ADD COLUMN device text CHECK (device IS NULL OR device ~ '^[0-9a-f]{64}$');
UPDATE login_attempts SET outcome = 'succeeded' WHERE succeeded;
ALTER TABLE login_attempts
    ADD CONSTRAINT login_attempts_succeeded_matches_outcome
        CHECK (succeeded = (outcome = 'succeeded'));
CREATE INDEX login_attempts_device_idx ON login_attempts (username, device, at)
    WHERE device IS NOT NULL;
