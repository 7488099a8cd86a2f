DELETE FROM read_model_live WHERE name IN ('product_sales_30d', 'dashboard');
DROP FUNCTION read_def.dashboard_day();
DROP FUNCTION read_def.dashboard(date);
DROP TABLE read.dashboard;
DROP FUNCTION read_def.product_sales_30d(date);
DROP TABLE read.product_sales_30d;
DROP MATERIALIZED VIEW read.monthly_sales, read.product_sales_monthly, read.customer_cohorts;

-- Per UTC day: orders and revenue (cancelled orders excluded), units, cancellations.
CREATE OR REPLACE FUNCTION read_def.daily_sales(p_full boolean)
RETURNS TABLE (day date, orders bigint, revenue_cents bigint, units bigint, cancellations bigint)
LANGUAGE sql STABLE AS $$
    SELECT (r.placed_at AT TIME ZONE 'UTC')::date,
           coalesce(sum(r.sign) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.total_cents) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.item_count) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'cancelled'), 0)::bigint
    FROM read_def.order_rows(p_full) r
    GROUP BY 1
$$;

-- Per product per UTC day (cancelled orders excluded).
CREATE OR REPLACE FUNCTION read_def.product_sales_daily(p_full boolean)
RETURNS TABLE (product_id bigint, day date, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, (r.placed_at AT TIME ZONE 'UTC')::date,
           sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    WHERE r.status <> 'cancelled'
    GROUP BY 1, 2
$$;


-- Revenue and orders per UTC month (cancelled orders excluded from revenue).
CREATE MATERIALIZED VIEW read.monthly_sales AS
SELECT date_trunc('month', o.placed_at AT TIME ZONE 'UTC')::date AS month,
       count(*) FILTER (WHERE o.status <> 'cancelled')::bigint AS orders,
       coalesce(sum(t.total_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS revenue_cents,
       coalesce(sum(t.units) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS units,
       count(*) FILTER (WHERE o.status = 'cancelled')::bigint AS cancellations,
       count(DISTINCT o.customer_id) FILTER (WHERE o.status <> 'cancelled')::bigint AS customers
FROM orders o
JOIN (SELECT order_id, sum(quantity) AS units, sum(quantity * unit_price_cents) AS total_cents
      FROM order_lines GROUP BY order_id) t ON t.order_id = o.id
GROUP BY 1
WITH DATA;
CREATE UNIQUE INDEX monthly_sales_month ON read.monthly_sales (month);
COMMENT ON MATERIALIZED VIEW read.monthly_sales IS
    'Report: revenue and orders per UTC month. Refreshed nightly (as of the last refresh).';

-- Units and revenue per product per UTC month (cancelled orders excluded).
CREATE MATERIALIZED VIEW read.product_sales_monthly AS
SELECT ol.product_id,
       date_trunc('month', o.placed_at AT TIME ZONE 'UTC')::date AS month,
       p.sku,
       p.name,
       sum(ol.quantity)::bigint AS units,
       sum(ol.quantity * ol.unit_price_cents)::bigint AS revenue_cents,
       count(DISTINCT o.id)::bigint AS orders
FROM order_lines ol
JOIN orders o ON o.id = ol.order_id
JOIN products p ON p.id = ol.product_id
WHERE o.status <> 'cancelled'
GROUP BY ol.product_id, 2, p.sku, p.name
WITH DATA;
CREATE UNIQUE INDEX product_sales_monthly_key ON read.product_sales_monthly (month, product_id);
CREATE INDEX product_sales_monthly_rank ON read.product_sales_monthly (month, revenue_cents DESC, product_id);
COMMENT ON MATERIALIZED VIEW read.product_sales_monthly IS
    'Report: units and revenue per product per UTC month. Refreshed nightly.';

-- Cohorts: customers by the month of their first (not cancelled) order, and
-- how many of them ordered again in each later month, with that revenue.
CREATE MATERIALIZED VIEW read.customer_cohorts AS
WITH firsts AS (
    SELECT o.customer_id, min(date_trunc('month', o.placed_at AT TIME ZONE 'UTC'))::date AS cohort
    FROM orders o WHERE o.status <> 'cancelled' GROUP BY o.customer_id
), activity AS (
    SELECT o.customer_id, date_trunc('month', o.placed_at AT TIME ZONE 'UTC')::date AS month,
           sum(ol.quantity * ol.unit_price_cents) AS revenue_cents, count(DISTINCT o.id) AS orders
    FROM orders o JOIN order_lines ol ON ol.order_id = o.id
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
    'Report: customers by month of first order and their activity in later months. Refreshed nightly.';
SELECT orderdesk_read_owner_takes_read();
DROP FUNCTION read_def.shop_today();
ALTER TABLE read_model_state DROP COLUMN time_zone;
