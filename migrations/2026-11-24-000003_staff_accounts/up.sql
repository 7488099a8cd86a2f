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
CREATE TABLE login_attempts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username   text NOT NULL CHECK (length(username) <= 200),
    ip         text,
    succeeded  boolean NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_username_idx ON login_attempts (username, at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, at);

-- Events name the acting staff user by id as well as by name.
ALTER TABLE events ADD COLUMN actor_user_id bigint REFERENCES staff_users (id);
CREATE INDEX events_actor_user_idx ON events (actor_user_id) WHERE actor_user_id IS NOT NULL;
