-- Staff accounts, server-side sessions and the login-attempt log (issue 4).
-- Passwords are stored only as argon2id PHC strings; sessions only as the
-- SHA-256 of the token the cookie carries, so a copy of this database holds
-- no usable credential.

CREATE TABLE staff_users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       text NOT NULL CHECK (username ~ '^[a-z0-9._-]{3,50}$'),
    password_hash  text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    role           text NOT NULL CHECK (role IN ('admin', 'clerk', 'viewer')),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_login_at  timestamptz,
    version        integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    CONSTRAINT staff_users_username_key UNIQUE (username)
);

-- One row per signed-in browser. `id` is the hex SHA-256 of the 256-bit token
-- in the cookie. A session ends at `expires_at` (absolute) or after the idle
-- timeout since `last_seen_at`, whichever comes first.
CREATE TABLE sessions (
    id            text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    user_id       bigint NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    ip            text,
    user_agent    text CHECK (user_agent IS NULL OR length(user_agent) <= 500)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Every login attempt, for throttling (recent failures per username and per
-- address) and for the audit trail. `username` is as typed, lower-cased.
--
-- The sign-in throttle (issue 12.4): every attempt is stored with its outcome,
-- including those refused by the throttle or by the CSRF check, and attempts
-- in flight ('pending', between the throttle's decision and the password
-- check) count as failures so concurrent guesses cannot overshoot a limit.
-- `device` is the SHA-256 of the browser's device cookie, when it sent one.
CREATE TABLE login_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username   text NOT NULL CHECK (length(username) <= 200),
    ip         text,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    outcome    text NOT NULL DEFAULT 'failed'
               CHECK (outcome IN ('pending', 'succeeded', 'failed', 'throttled', 'csrf_refused')),
    device     text CHECK (device IS NULL OR device ~ '^[0-9a-f]{64}$'),
    CONSTRAINT login_attempts_succeeded_matches_outcome CHECK (succeeded = (outcome = 'succeeded'))
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);
CREATE INDEX login_attempts_device_idx ON login_attempts (username, device, at)
    WHERE device IS NOT NULL;

-- Events name the acting staff user by id as well as by name.
ALTER TABLE events ADD COLUMN actor_user_id bigint REFERENCES staff_users (id);
CREATE INDEX events_actor_user_idx ON events (actor_user_id) WHERE actor_user_id IS NOT NULL;

-- One row per submission of the orders list's bulk form (mark paid, ship).
-- The form carries a random key; the row is written in the same transaction
-- as the orders' own commands, so a resubmission of the same form finds it
-- and replays the stored outcome instead of acting twice. A concurrent
-- duplicate waits at the primary key until the first commits.
CREATE TABLE bulk_submissions (
    idempotency_key text PRIMARY KEY
        CHECK (idempotency_key ~ '^[A-Za-z0-9_-]{8,100}$'),
    action text NOT NULL CHECK (action IN ('pay', 'ship')),
    -- What was asked, ascending and without duplicates.
    order_ids bigint[] NOT NULL CHECK (cardinality(order_ids) BETWEEN 1 AND 200),
    -- What was done, and each refusal as {"order_id": …, "reason": "…"}.
    done_ids bigint[] NOT NULL DEFAULT '{}',
    refusals jsonb NOT NULL DEFAULT '[]',
    actor_user_id bigint REFERENCES staff_users (id),
    actor text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bulk_submissions IS
    'Idempotency records of bulk order actions: a repeated key replays the stored outcome.';
