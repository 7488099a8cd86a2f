-- "Shipping needs the order paid unless the shop ships on account" is held by
-- the database again (issue 24: existing CHECKs keep their strength).
-- Migration 000001 said it with `paid_at`; 000130 dropped that for shipping on
-- account, and 000140 left the rule to the ship command's guarded UPDATE
-- alone. Now an order that leaves unpaid says so (`shipped_on_account`, set by
-- the ship command in the same UPDATE), and a shipped or delivered order has
-- either `paid_at` (it reached paid before it left; never cleared) or that
-- mark. No other state carries the mark.
ALTER TABLE orders ADD COLUMN shipped_on_account boolean NOT NULL DEFAULT false;
UPDATE orders SET shipped_on_account = true
WHERE fulfilment_status IN ('shipped', 'delivered') AND paid_at IS NULL;
ALTER TABLE orders ADD CONSTRAINT orders_shipped_paid_or_on_account CHECK (
    CASE WHEN fulfilment_status IN ('shipped', 'delivered')
         THEN paid_at IS NOT NULL OR shipped_on_account
         ELSE NOT shipped_on_account
    END
);
