-- Edits of unshipped orders (issue 25, "Edit an unshipped order").
--
-- order_edits: one row per applied edit, written in the edit's own
-- transaction. Its idempotency key is the edit form's (a new key each time
-- the form is drawn), UNIQUE, so a double submit applies once: the second
-- finds this row (it waits on the order's row lock for the first to commit)
-- and answers with the version and event the first one made. The content
-- fingerprint tells a replay from a key reused for other content (a
-- conflict). Rows are never updated or deleted.
CREATE TABLE order_edits (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id             bigint NOT NULL REFERENCES orders (id),
    idempotency_key      text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    request_fingerprint  text NOT NULL,
    version_after        integer NOT NULL CHECK (version_after >= 2),
    event_id             bigint NOT NULL,
    actor                text NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT order_edits_idempotency_key_key UNIQUE (idempotency_key)
);
CREATE INDEX order_edits_order_idx ON order_edits (order_id, id);
REVOKE UPDATE, DELETE, TRUNCATE ON order_edits FROM orderdesk_app;
