-- Back to order_summaries without the stored money (total_cents keeps the
-- grand total until the next rebuild with the earlier definitions).
ALTER TABLE read_model_changes DROP COLUMN net_sales_cents;
ALTER TABLE read.order_summaries
    DROP COLUMN net_sales_cents,
    DROP COLUMN discount_total_cents,
    DROP COLUMN shipping_cents,
    DROP COLUMN tax_total_cents,
    DROP COLUMN money;
