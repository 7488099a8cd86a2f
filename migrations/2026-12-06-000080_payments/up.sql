-- Payments, refunds and voids (issue 24): the order's money received and
-- given back, as an append-only list, and the order's payment state.
--
-- payments: one row per entry. A payment adds to what the order was paid, a
-- refund gives part of it back (at most paid − refunded), a void reverses one
-- mistaken payment or refund (its `voids_payment_id`, UNIQUE: an entry is
-- voided once, and a void is never voided). Nothing updates or deletes an
-- entry (the trigger below): a mistake is corrected by a void, never an edit.
-- `received_on` is the date staff enter (the form defaults it to the shop's
-- today); `recorded_at` when it was written. The idempotency key is the form's,
-- so a form sent twice records once.
--
-- orders.paid_cents / refunded_cents: running sums the payment commands keep
-- in the transaction that appends the entry (paid = payments − voided
-- payments, refunded = refunds − voided refunds). They are not part of the
-- order's `version`: an open edit form does not conflict because a payment
-- came in. `payments_version` counts the entries, for pages that need it.
--
-- orders.payment_status: derived from grand total, paid and refunded by ONE
-- table, the same as domain::PaymentStatus::derive and docs/ARCHITECTURE.md:
--   net = paid − refunded
--   net > total                  → overpaid
--   net = total                  → paid
--   0 < net < total, refunded > 0 → partly_refunded
--   0 < net < total, refunded = 0 → partly_paid
--   net = 0, refunded > 0        → refunded
--   net = 0, refunded = 0        → unpaid
--
-- Existing orders marked paid before payments were recorded (status paid,
-- shipped or delivered) get one payment of their grand total, method
-- "other", dated their paid_at's shop day, so their paid_cents is their grand
-- total. No event is appended for it: nothing happened, the record of it is new.

-- The shop's today in its time zone (the one `orderdesk migrate` stores in
-- read_model_state): the default of a payment's date.
CREATE FUNCTION shop_today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE coalesce((SELECT time_zone FROM read_model_state), 'UTC'))::date
$$;

CREATE TABLE payments (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id               bigint NOT NULL REFERENCES orders (id),
    kind                   text NOT NULL CHECK (kind IN ('payment', 'refund', 'void')),
    amount_cents           bigint NOT NULL CHECK (amount_cents > 0),
    method                 text NOT NULL CHECK (method IN ('cash', 'card', 'bank_transfer', 'other')),
    reference              text CHECK (reference IS NULL
                                       OR (char_length(reference) BETWEEN 1 AND 200 AND reference = btrim(reference))),
    received_on            date NOT NULL DEFAULT shop_today(),
    voids_payment_id       bigint REFERENCES payments (id),
    overpayment_confirmed  boolean NOT NULL DEFAULT false,
    idempotency_key        text NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 100),
    actor                  text NOT NULL,
    recorded_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_idempotency_key_key UNIQUE (idempotency_key),
    CONSTRAINT payments_voids_payment_id_key UNIQUE (voids_payment_id),
    CONSTRAINT payments_void_names_its_entry CHECK ((kind = 'void') = (voids_payment_id IS NOT NULL)),
    CONSTRAINT payments_overpayment_is_a_payment CHECK (NOT overpayment_confirmed OR kind = 'payment')
);
CREATE INDEX payments_order_idx ON payments (order_id, id);

CREATE FUNCTION payments_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payments is append-only: % is not allowed (void the entry instead)', TG_OP;
END;
$$;
CREATE TRIGGER payments_append_only
    BEFORE UPDATE OR DELETE ON payments
    FOR EACH STATEMENT EXECUTE FUNCTION payments_are_append_only();
CREATE TRIGGER payments_no_truncate
    BEFORE TRUNCATE ON payments
    FOR EACH STATEMENT EXECUTE FUNCTION payments_are_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON payments FROM orderdesk_app;

ALTER TABLE orders
    ADD COLUMN paid_cents        bigint NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    ADD COLUMN refunded_cents    bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
    ADD COLUMN payments_version  integer NOT NULL DEFAULT 0 CHECK (payments_version >= 0),
    ADD CONSTRAINT orders_refunded_within_paid CHECK (refunded_cents <= paid_cents);

INSERT INTO payments (order_id, kind, amount_cents, method, reference, received_on,
                      idempotency_key, actor, recorded_at)
SELECT o.id, 'payment', o.grand_total_cents, 'other', 'before payments were recorded',
       (o.paid_at AT TIME ZONE coalesce((SELECT time_zone FROM read_model_state), 'UTC'))::date,
       'before-payments-' || o.id, 'migration', o.paid_at
FROM orders o
WHERE o.status IN ('paid', 'shipped', 'delivered') AND o.grand_total_cents > 0
ORDER BY o.id;

UPDATE orders
SET paid_cents = grand_total_cents, payments_version = 1
WHERE status IN ('paid', 'shipped', 'delivered') AND grand_total_cents > 0;

ALTER TABLE orders ADD COLUMN payment_status text NOT NULL GENERATED ALWAYS AS (
    CASE
        WHEN paid_cents - refunded_cents > grand_total_cents THEN 'overpaid'
        WHEN paid_cents - refunded_cents = grand_total_cents THEN 'paid'
        WHEN paid_cents - refunded_cents > 0 AND refunded_cents > 0 THEN 'partly_refunded'
        WHEN paid_cents - refunded_cents > 0 THEN 'partly_paid'
        WHEN refunded_cents > 0 THEN 'refunded'
        ELSE 'unpaid'
    END) STORED;

-- The read side: the order's money received and its entries (the order
-- page's Payments panel). Existing rows are filled here as the definition
-- (read_def.order_summaries) makes them, so verify finds nothing to repair.
ALTER TABLE read.order_summaries
    ADD COLUMN paid_cents         bigint,
    ADD COLUMN refunded_cents     bigint,
    ADD COLUMN balance_due_cents  bigint,
    ADD COLUMN payment_status     text,
    ADD COLUMN payments           jsonb;

UPDATE read.order_summaries s
SET paid_cents = o.paid_cents,
    refunded_cents = o.refunded_cents,
    balance_due_cents = greatest(o.grand_total_cents - (o.paid_cents - o.refunded_cents), 0),
    payment_status = o.payment_status,
    payments = coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                   'id', p.id, 'kind', p.kind, 'amount_cents', p.amount_cents,
                   'method', p.method, 'reference', p.reference, 'received_on', p.received_on,
                   'voids_payment_id', p.voids_payment_id,
                   'voided_by', NULL::bigint,
                   'overpayment_confirmed', p.overpayment_confirmed, 'actor', p.actor,
                   'recorded_at', to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                   ORDER BY p.id)
        FROM payments p WHERE p.order_id = o.id), '[]'::jsonb)
FROM orders o
WHERE o.id = s.id;

CREATE INDEX order_summaries_payment_status_placed
    ON read.order_summaries (payment_status, placed_at DESC, id DESC);

-- The maintainer's scratch carries each order row's balance due and net paid,
-- so the additive models move by them: the balance due per status
-- (order_status_counts → the dashboard's "awaiting payment") and the
-- customers' lifetime value (what was paid, net of refunds).
ALTER TABLE read_model_changes
    ADD COLUMN balance_due_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN net_paid_cents bigint NOT NULL DEFAULT 0;

ALTER TABLE read.order_status_counts
    ADD COLUMN due_orders bigint,
    ADD COLUMN due_cents bigint;
UPDATE read.order_status_counts t
SET due_orders = coalesce(d.due_orders, 0), due_cents = coalesce(d.due_cents, 0)
FROM (SELECT s.status,
             count(o.id) FILTER (WHERE o.grand_total_cents - (o.paid_cents - o.refunded_cents) > 0) AS due_orders,
             sum(greatest(o.grand_total_cents - (o.paid_cents - o.refunded_cents), 0)) AS due_cents
      FROM read.order_status_counts s
      LEFT JOIN orders o ON o.status = s.status
      GROUP BY s.status) d
WHERE d.status = t.status;

ALTER TABLE read.dashboard
    ADD COLUMN awaiting_payment_orders bigint,
    ADD COLUMN awaiting_payment_cents bigint;
UPDATE read.dashboard
SET awaiting_payment_orders = (SELECT coalesce(sum(due_orders), 0) FROM read.order_status_counts WHERE status <> 'cancelled'),
    awaiting_payment_cents = (SELECT coalesce(sum(due_cents), 0) FROM read.order_status_counts WHERE status <> 'cancelled');

UPDATE read.customer_stats c
SET lifetime_value_cents = coalesce(
    (SELECT sum(o.paid_cents - o.refunded_cents) FROM orders o WHERE o.customer_id = c.customer_id), 0);
