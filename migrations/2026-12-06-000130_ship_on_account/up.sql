-- Shipping on account (issue 24's shop setting `ship_on_account`): an order
-- may ship before it is paid, so a shipped or delivered order no longer needs
-- `paid_at`. What the customer paid is the payments' business
-- (`payment_status`, migration 000080); `paid_at` stays the moment the order
-- became paid through its lifecycle, and a placed or paid order keeps every
-- rule it had.
ALTER TABLE orders DROP CONSTRAINT orders_status_timestamps;
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
