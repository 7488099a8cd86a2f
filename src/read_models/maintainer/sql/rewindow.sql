-- The 30-day window moved to end at the shop day $1, from product_sales_daily
-- (as of the previous batch: this batch's lines are added afterwards).
WITH gone AS (
    DELETE FROM read.product_sales_30d RETURNING 1
), added AS (
    INSERT INTO read.product_sales_30d SELECT * FROM read_def.product_sales_30d($1) RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
