-- Back to one `status`: an unfulfilled order with a paid time is paid, one
-- without is placed (the old CHECK's rule). Fails while an order shipped on
-- account without a paid time exists, as migration 000130's down does.
ALTER TABLE read.dashboard DROP COLUMN to_ship_orders, DROP COLUMN ships_on_account;
DELETE FROM read.dashboard;

ALTER TABLE read.order_status_counts RENAME COLUMN fulfilment_status TO status;
ALTER INDEX read.order_status_counts_fulfilment RENAME TO order_status_counts_status;
COMMENT ON TABLE read.order_status_counts IS
    'Live model: orders per status (read_def.order_status_counts). Maintained by delta.';
DELETE FROM read.order_status_counts;

ALTER TABLE read_model_changes RENAME COLUMN fulfilment_status TO status;

ALTER TABLE read.order_summaries RENAME COLUMN fulfilment_status TO status;
ALTER INDEX read.order_summaries_fulfilment_placed RENAME TO order_summaries_status_placed;
UPDATE read.order_summaries
SET status = CASE WHEN paid_at IS NULL THEN 'placed' ELSE 'paid' END
WHERE status = 'unfulfilled';

ALTER TABLE orders DROP CONSTRAINT orders_fulfilment_timestamps;
ALTER TABLE orders DROP CONSTRAINT orders_fulfilment_status_check;
ALTER TABLE orders RENAME COLUMN fulfilment_status TO status;
UPDATE orders SET status = CASE WHEN paid_at IS NULL THEN 'placed' ELSE 'paid' END
WHERE status = 'unfulfilled';
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'placed';
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled'));
ALTER TABLE orders ADD CONSTRAINT orders_status_timestamps CHECK (
    CASE status
        WHEN 'placed'    THEN paid_at IS NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'paid'      THEN paid_at IS NOT NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'shipped'   THEN shipped_at IS NOT NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'delivered' THEN shipped_at IS NOT NULL AND delivered_at IS NOT NULL AND cancelled_at IS NULL
        WHEN 'cancelled' THEN shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NOT NULL
                              AND cancellation_reason IS NOT NULL
    END
);
