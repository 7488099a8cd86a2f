-- Back to the report views of 000003 (catalogue price, no tax or shipping).
DROP MATERIALIZED VIEW read.monthly_sales;
DROP MATERIALIZED VIEW read.product_sales_monthly;
DROP MATERIALIZED VIEW read.customer_cohorts;

CREATE MATERIALIZED VIEW read.monthly_sales AS
SELECT date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
       count(*) FILTER (WHERE o.status <> 'cancelled')::bigint AS orders,
       coalesce(sum(t.total_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS revenue_cents,
       coalesce(sum(t.units) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS units,
       count(*) FILTER (WHERE o.status = 'cancelled')::bigint AS cancellations,
       count(DISTINCT o.customer_id) FILTER (WHERE o.status <> 'cancelled')::bigint AS customers
FROM orders o
CROSS JOIN (SELECT time_zone FROM read_model_state) z
JOIN (SELECT order_id, sum(quantity) AS units, sum(quantity * unit_price_cents) AS total_cents
      FROM order_lines GROUP BY order_id) t ON t.order_id = o.id
GROUP BY 1
WITH DATA;
CREATE UNIQUE INDEX monthly_sales_month ON read.monthly_sales (month);
COMMENT ON MATERIALIZED VIEW read.monthly_sales IS
    'Report: revenue and orders per shop month. Refreshed nightly (as of the last refresh).';

CREATE MATERIALIZED VIEW read.product_sales_monthly AS
SELECT ol.product_id,
       date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
       p.sku,
       p.name,
       sum(ol.quantity)::bigint AS units,
       sum(ol.quantity * ol.unit_price_cents)::bigint AS revenue_cents,
       count(DISTINCT o.id)::bigint AS orders
FROM order_lines ol
JOIN orders o ON o.id = ol.order_id
JOIN products p ON p.id = ol.product_id
CROSS JOIN (SELECT time_zone FROM read_model_state) z
WHERE o.status <> 'cancelled'
GROUP BY ol.product_id, 2, p.sku, p.name
WITH DATA;
CREATE UNIQUE INDEX product_sales_monthly_key ON read.product_sales_monthly (month, product_id);
CREATE INDEX product_sales_monthly_rank ON read.product_sales_monthly (month, revenue_cents DESC, product_id);
COMMENT ON MATERIALIZED VIEW read.product_sales_monthly IS
    'Report: units and revenue per product per shop month. Refreshed nightly.';

CREATE MATERIALIZED VIEW read.customer_cohorts AS
WITH z AS (SELECT time_zone FROM read_model_state),
firsts AS (
    SELECT o.customer_id, min(date_trunc('month', o.placed_at AT TIME ZONE z.time_zone))::date AS cohort
    FROM orders o, z WHERE o.status <> 'cancelled' GROUP BY o.customer_id
), activity AS (
    SELECT o.customer_id, date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
           sum(ol.quantity * ol.unit_price_cents) AS revenue_cents, count(DISTINCT o.id) AS orders
    FROM orders o JOIN order_lines ol ON ol.order_id = o.id, z
    WHERE o.status <> 'cancelled'
    GROUP BY 1, 2
)
SELECT f.cohort,
       ((extract(year FROM a.month) - extract(year FROM f.cohort)) * 12
        + extract(month FROM a.month) - extract(month FROM f.cohort))::integer AS months_after,
       (SELECT count(*) FROM firsts f2 WHERE f2.cohort = f.cohort)::bigint AS cohort_size,
       count(*)::bigint AS active_customers,
       sum(a.orders)::bigint AS orders,
       sum(a.revenue_cents)::bigint AS revenue_cents
FROM firsts f
JOIN activity a ON a.customer_id = f.customer_id
GROUP BY f.cohort, 2
WITH DATA;
CREATE UNIQUE INDEX customer_cohorts_key ON read.customer_cohorts (cohort, months_after);
COMMENT ON MATERIALIZED VIEW read.customer_cohorts IS
    'Report: customers by shop month of first order and their activity in later months. Refreshed nightly.';

GRANT SELECT ON read.monthly_sales, read.product_sales_monthly, read.customer_cohorts
    TO orderdesk_app, orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();
