-- Back to "shipped needs paid". Fails while an order shipped on account
-- exists: there is no paid time to invent for it.
ALTER TABLE orders DROP CONSTRAINT orders_status_timestamps;
ALTER TABLE orders ADD CONSTRAINT orders_status_timestamps CHECK (
    CASE status
        WHEN 'placed'    THEN paid_at IS NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'paid'      THEN paid_at IS NOT NULL AND shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'shipped'   THEN paid_at IS NOT NULL AND shipped_at IS NOT NULL AND delivered_at IS NULL AND cancelled_at IS NULL
        WHEN 'delivered' THEN paid_at IS NOT NULL AND shipped_at IS NOT NULL AND delivered_at IS NOT NULL AND cancelled_at IS NULL
        WHEN 'cancelled' THEN shipped_at IS NULL AND delivered_at IS NULL AND cancelled_at IS NOT NULL
                              AND cancellation_reason IS NOT NULL
    END
);
