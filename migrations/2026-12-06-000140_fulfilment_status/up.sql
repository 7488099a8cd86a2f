-- Fulfilment state apart from payment state (issue 24). `orders.status` mixed
-- the two: "paid" said something about money, the rest about the parcel. The
-- money has its own derived state since migration 000080
-- (`orders.payment_status`, generated from total, paid and refunded), so the
-- column becomes `fulfilment_status` and says only where the goods are:
--   unfulfilled → shipped → delivered, or unfulfilled → cancelled.
-- placed and paid both become unfulfilled (one UPDATE of those rows). Later
-- issues add partial states (partly shipped, returned …) to this one column
-- without a list of combinations with the payment state.
--
-- The CHECK keeps its force for the fulfilment timestamps: each state carries
-- the timestamps of the steps that lead to it and no others (shipped_at iff
-- shipped or delivered, delivered_at iff delivered, cancelled_at and its
-- reason iff cancelled); an unknown state fails (ELSE false) instead of
-- passing as NULL. `paid_at` leaves this CHECK: it is now the moment the
-- payment state first reached paid (kept by the payment commands), and what
-- was paid is the generated `payment_status`, which cannot disagree with the
-- money. "Shipping needs paid unless the shop ships on account" is the ship
-- command's guarded UPDATE (it reads the setting), as before.
ALTER TABLE orders DROP CONSTRAINT orders_status_timestamps;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders RENAME COLUMN status TO fulfilment_status;
UPDATE orders SET fulfilment_status = 'unfulfilled'
WHERE fulfilment_status IN ('placed', 'paid');
ALTER TABLE orders ALTER COLUMN fulfilment_status SET DEFAULT 'unfulfilled';
ALTER TABLE orders ADD CONSTRAINT orders_fulfilment_status_check
    CHECK (fulfilment_status IN ('unfulfilled', 'shipped', 'delivered', 'cancelled'));
ALTER TABLE orders ADD CONSTRAINT orders_fulfilment_timestamps CHECK (
    CASE fulfilment_status
        WHEN 'unfulfilled' THEN shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
                                AND cancellation_reason IS NULL
        WHEN 'shipped'     THEN shipped_at IS NOT NULL AND delivered_at IS NULL AND cancelled_at IS NULL
                                AND cancellation_reason IS NULL
        WHEN 'delivered'   THEN shipped_at IS NOT NULL AND delivered_at IS NOT NULL AND cancelled_at IS NULL
                                AND cancellation_reason IS NULL
        WHEN 'cancelled'   THEN shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NOT NULL
                                AND cancellation_reason IS NOT NULL
        ELSE false
    END
);

-- The read side follows: the order rows and the maintainer's scratch carry
-- the fulfilment state by its name, the counts are per fulfilment state
-- (their due columns still give "awaiting payment"), and the dashboard gains
-- "to ship". The counts and the dashboard row are emptied here: the
-- replaceable SQL (read_def.sql, run after the migrations because its content
-- changed) fills them from their definitions, as a rebuild would.
ALTER TABLE read.order_summaries RENAME COLUMN status TO fulfilment_status;
ALTER INDEX read.order_summaries_status_placed RENAME TO order_summaries_fulfilment_placed;
UPDATE read.order_summaries SET fulfilment_status = 'unfulfilled'
WHERE fulfilment_status IN ('placed', 'paid');

ALTER TABLE read_model_changes RENAME COLUMN status TO fulfilment_status;

ALTER TABLE read.order_status_counts RENAME COLUMN status TO fulfilment_status;
ALTER INDEX read.order_status_counts_status RENAME TO order_status_counts_fulfilment;
COMMENT ON TABLE read.order_status_counts IS
    'Live model: orders per fulfilment state, with those of a balance due and the sum due '
    '(read_def.order_status_counts). Maintained by delta.';
DELETE FROM read.order_status_counts;

-- Unfulfilled orders ready to leave: nothing due, or any when the shop ships
-- on account (the setting is kept beside it: the tile says which rule counted).
ALTER TABLE read.dashboard
    ADD COLUMN to_ship_orders bigint,
    ADD COLUMN ships_on_account boolean;
DELETE FROM read.dashboard;
