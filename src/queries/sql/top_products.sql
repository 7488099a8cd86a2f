-- The $2 best sellers by revenue of each month since $1, newest month first:
-- each month's first rows of the ranking index (a LATERAL join Diesel's DSL
-- cannot say), so the page never reads every product of every month.
SELECT p.month, p.product_id, p.sku, p.name, p.units, p.revenue_cents, p.orders, p.tax_cents
FROM (SELECT DISTINCT month FROM product_sales_monthly WHERE month >= $1) m
CROSS JOIN LATERAL (
    SELECT * FROM product_sales_monthly s
    WHERE s.month = m.month
    ORDER BY s.revenue_cents DESC, s.product_id
    LIMIT $2) p
ORDER BY p.month DESC, p.revenue_cents DESC, p.product_id
