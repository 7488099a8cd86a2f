-- Adds the batch's signed order lines of the window's days (the 30 shop days
-- ending $1) per product; returns the rows left empty.
WITH delta AS (
    SELECT product_id, sum(units)::bigint AS units, sum(revenue_cents)::bigint AS revenue_cents
    FROM read_def.product_sales_daily(false)
    WHERE day BETWEEN $1::date - 29 AND $1::date
    GROUP BY product_id
    HAVING sum(units) <> 0 OR sum(revenue_cents) <> 0
)
INSERT INTO read.product_sales_30d AS t
SELECT * FROM delta
ON CONFLICT (product_id) DO UPDATE
SET units = t.units + excluded.units,
    revenue_cents = t.revenue_cents + excluded.revenue_cents
RETURNING t.product_id, (t.units = 0 AND t.revenue_cents = 0) AS empty
