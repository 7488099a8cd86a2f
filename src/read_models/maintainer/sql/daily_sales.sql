-- Adds the batch's signed order rows per day; returns the days left empty.
WITH delta AS (
    SELECT * FROM read_def.daily_sales(false)
    WHERE orders <> 0 OR revenue_cents <> 0 OR units <> 0 OR cancellations <> 0
)
INSERT INTO read.daily_sales AS t
SELECT * FROM delta
ON CONFLICT (day) DO UPDATE
SET orders = t.orders + excluded.orders,
    revenue_cents = t.revenue_cents + excluded.revenue_cents,
    units = t.units + excluded.units,
    cancellations = t.cancellations + excluded.cancellations
RETURNING t.day, (t.orders = 0 AND t.cancellations = 0) AS empty
