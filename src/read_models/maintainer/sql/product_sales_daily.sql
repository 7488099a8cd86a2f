-- Adds the batch's signed order lines per product and day; returns the rows left empty.
WITH delta AS (
    SELECT * FROM read_def.product_sales_daily(false)
    WHERE units <> 0 OR revenue_cents <> 0
)
INSERT INTO read.product_sales_daily AS t
SELECT * FROM delta
ON CONFLICT (product_id, day) DO UPDATE
SET units = t.units + excluded.units,
    revenue_cents = t.revenue_cents + excluded.revenue_cents
RETURNING t.product_id, t.day, (t.units = 0 AND t.revenue_cents = 0) AS empty
