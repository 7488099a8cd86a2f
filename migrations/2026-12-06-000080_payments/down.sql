ALTER TABLE read.dashboard DROP COLUMN awaiting_payment_orders, DROP COLUMN awaiting_payment_cents;
ALTER TABLE read.order_status_counts DROP COLUMN due_orders, DROP COLUMN due_cents;
ALTER TABLE read_model_changes DROP COLUMN balance_due_cents, DROP COLUMN net_paid_cents;
DROP INDEX read.order_summaries_payment_status_placed;
ALTER TABLE read.order_summaries
    DROP COLUMN paid_cents, DROP COLUMN refunded_cents, DROP COLUMN balance_due_cents,
    DROP COLUMN payment_status, DROP COLUMN payments;
ALTER TABLE orders
    DROP COLUMN payment_status, DROP CONSTRAINT orders_refunded_within_paid,
    DROP COLUMN paid_cents, DROP COLUMN refunded_cents, DROP COLUMN payments_version;
DROP TABLE payments;
DROP FUNCTION payments_are_append_only();
DROP FUNCTION shop_today();
