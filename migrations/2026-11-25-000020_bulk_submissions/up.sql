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
