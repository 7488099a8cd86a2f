ALTER TABLE orders DROP CONSTRAINT orders_shipped_paid_or_on_account;
ALTER TABLE orders DROP COLUMN shipped_on_account;
