-- The (product $1[i], day $2[i]) rows the batch left at zero, if still zero.
DELETE FROM read.product_sales_daily t
USING unnest($1::bigint[], $2::date[]) AS e (product_id, day)
WHERE t.product_id = e.product_id AND t.day = e.day AND t.units = 0 AND t.revenue_cents = 0
