-- Internal notes on orders and customers (issue 25, the notes part).
--
-- One table for both subjects rather than order_notes and customer_notes: a
-- note is the same fact whatever it is written on (who, when, the text, its
-- removal), kept by the same two commands under the same rules, read by one
-- live model and searched the same way. Each subject keeps a real foreign
-- key (order_id or customer_id, exactly one of them), so the database still
-- knows what a note is about.
--
-- A note is never updated except to record its removal and never deleted:
-- removed_at / removed_by say who took it off the page and when (the
-- removal's event says it too). Its author is the staff user who wrote it
-- (author_user_id; NULL only for a system actor such as the seeder, as on
-- events) and their name as the audit trail shows it (author).
--
-- Notes have their own events (order_note_added/_removed on the order,
-- customer_note_added/_removed on the customer) and never touch the
-- record's version: writing a note never makes an open edit form conflict.

CREATE TABLE notes (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id            bigint REFERENCES orders (id),
    customer_id         bigint REFERENCES customers (id),
    body                text NOT NULL
                        CHECK (char_length(body) BETWEEN 1 AND 2000 AND body = btrim(body)),
    author_user_id      bigint REFERENCES staff_users (id),
    author              text NOT NULL CHECK (char_length(author) BETWEEN 1 AND 200),
    -- The note form's key: a double submit writes one note.
    idempotency_key     text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    created_at          timestamptz NOT NULL DEFAULT now(),
    removed_at          timestamptz,
    removed_by_user_id  bigint REFERENCES staff_users (id),
    removed_by          text,
    CONSTRAINT notes_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT notes_one_subject CHECK (num_nonnulls(order_id, customer_id) = 1),
    CONSTRAINT notes_removal_recorded CHECK ((removed_at IS NULL) = (removed_by IS NULL)
                                             AND (removed_at IS NULL OR removed_at >= created_at))
);
-- A subject's notes (the page, the maintainer's keys, the search text).
CREATE INDEX notes_order_idx ON notes (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX notes_customer_idx ON notes (customer_id) WHERE customer_id IS NOT NULL;

-- The live model: the notes on the page (removed ones are not), kept by the
-- order's and the customer's keys. Staleness: the same snapshot as every
-- live model, normally milliseconds behind a commit.
CREATE TABLE read.notes (
    id              bigint NOT NULL,
    order_id        bigint,
    customer_id     bigint,
    author_user_id  bigint,
    author          text NOT NULL,
    body            text NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX notes_id ON read.notes (id);
-- A page's notes, newest first; also the maintainer's scopes.
CREATE INDEX notes_order ON read.notes (order_id, created_at DESC, id DESC) WHERE order_id IS NOT NULL;
CREATE INDEX notes_customer ON read.notes (customer_id, created_at DESC, id DESC)
    WHERE customer_id IS NOT NULL;
COMMENT ON TABLE read.notes IS
    'Live model: the notes not removed (read_def.notes), kept by key: an order''s with the order, '
    'a customer''s with the customer.';

GRANT SELECT, INSERT, UPDATE, DELETE ON read.notes TO orderdesk_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON read.notes FROM orderdesk_app;
GRANT SELECT ON read.notes TO orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();

-- The table is new and empty, so the model starts empty and complete.
INSERT INTO read_model_live (name, last_rebuild_at) VALUES ('notes', now());
