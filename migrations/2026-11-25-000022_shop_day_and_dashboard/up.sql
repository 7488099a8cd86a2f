-- The shop's day and the page-shaped dashboard (issue 11).
--
-- 1. The shop's time zone (`time_zone` in Rocket.toml, an IANA name) is kept
--    beside the maintained snapshot; `orderdesk migrate` writes it and
--    rebuilds the per-day models when it changes. Every per-day figure (daily
--    sales, product sales per day, "today", the 7/30-day windows, report
--    months) is a day in that zone, never a UTC day.
-- 2. Two more live models: read.product_sales_30d (each product's sales over
--    the 30 shop days ending the dashboard's day, moved by the same signed
--    deltas as product_sales_daily) and read.dashboard (one row: everything
--    the dashboard shows), so the dashboard renders from one indexed read.
--    The rolling windows move when the maintainer sees the shop's day change.

ALTER TABLE read_model_state ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

-- The shop's day now (transaction time), in its time zone.
CREATE FUNCTION read_def.shop_today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE time_zone)::date FROM read_model_state
$$;

-- Per shop day: orders and revenue (cancelled orders excluded), units, cancellations.
CREATE OR REPLACE FUNCTION read_def.daily_sales(p_full boolean)
RETURNS TABLE (day date, orders bigint, revenue_cents bigint, units bigint, cancellations bigint)
LANGUAGE sql STABLE AS $$
    SELECT (r.placed_at AT TIME ZONE z.time_zone)::date,
           coalesce(sum(r.sign) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.total_cents) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.item_count) FILTER (WHERE r.status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign) FILTER (WHERE r.status = 'cancelled'), 0)::bigint
    FROM read_def.order_rows(p_full) r
    CROSS JOIN (SELECT time_zone FROM read_model_state) z
    GROUP BY 1
$$;

-- Per product per shop day (cancelled orders excluded).
CREATE OR REPLACE FUNCTION read_def.product_sales_daily(p_full boolean)
RETURNS TABLE (product_id bigint, day date, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, (r.placed_at AT TIME ZONE z.time_zone)::date,
           sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    CROSS JOIN (SELECT time_zone FROM read_model_state) z
    WHERE r.status <> 'cancelled'
    GROUP BY 1, 2
$$;

-- ---------------------------------------------------------------------------
-- product_sales_30d: each product's sales over the 30 shop days ending p_day
-- ---------------------------------------------------------------------------
CREATE TABLE read.product_sales_30d (
    product_id     bigint NOT NULL,
    units          bigint NOT NULL,
    revenue_cents  bigint NOT NULL
);
CREATE UNIQUE INDEX product_sales_30d_product ON read.product_sales_30d (product_id);
CREATE INDEX product_sales_30d_rank ON read.product_sales_30d (revenue_cents DESC, product_id);
COMMENT ON TABLE read.product_sales_30d IS
    'Live: units and revenue per product over the 30 shop days ending read.dashboard.day.';

CREATE FUNCTION read_def.product_sales_30d(p_day date)
RETURNS TABLE (product_id bigint, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.product_id, sum(s.units)::bigint, sum(s.revenue_cents)::bigint
    FROM read.product_sales_daily s
    WHERE s.day BETWEEN p_day - 29 AND p_day
    GROUP BY s.product_id
    HAVING sum(s.units) <> 0 OR sum(s.revenue_cents) <> 0
$$;

-- ---------------------------------------------------------------------------
-- dashboard: one row, everything the dashboard page shows
-- ---------------------------------------------------------------------------
CREATE TABLE read.dashboard (
    day                  date NOT NULL,
    time_zone            text NOT NULL,
    today_orders         bigint NOT NULL,
    today_revenue_cents  bigint NOT NULL,
    week_orders          bigint NOT NULL,
    week_revenue_cents   bigint NOT NULL,
    month_orders         bigint NOT NULL,
    month_revenue_cents  bigint NOT NULL,
    -- 30 entries, oldest first: {day, orders, revenue_cents, units, cancellations}
    daily                jsonb NOT NULL,
    -- every status in lifecycle order: {status, orders}
    status_counts        jsonb NOT NULL,
    -- the 10 best sellers of the 30 days by revenue: {product_id, sku, name, units, revenue_cents}
    top_products         jsonb NOT NULL,
    -- the 10 lowest of the active products at or under their threshold
    low_stock            jsonb NOT NULL,
    low_stock_count      bigint NOT NULL,
    -- the 10 latest orders, newest first, as the orders list shows them
    recent_orders        jsonb NOT NULL
);
CREATE UNIQUE INDEX dashboard_day ON read.dashboard (day);
COMMENT ON TABLE read.dashboard IS
    'Live: the dashboard page for the shop day `day`, from the other live models.';

-- Timestamps inside the JSON are written in UTC whatever the session's
-- TimeZone, so the maintainer and verify always produce the same text.
CREATE FUNCTION read_def.dashboard(p_day date)
RETURNS TABLE (
    day date, time_zone text, today_orders bigint, today_revenue_cents bigint,
    week_orders bigint, week_revenue_cents bigint, month_orders bigint, month_revenue_cents bigint,
    daily jsonb, status_counts jsonb, top_products jsonb, low_stock jsonb, low_stock_count bigint,
    recent_orders jsonb)
LANGUAGE sql STABLE AS $$
    WITH days AS (
        SELECT d::date AS day,
               coalesce(s.orders, 0) AS orders, coalesce(s.revenue_cents, 0) AS revenue_cents,
               coalesce(s.units, 0) AS units, coalesce(s.cancellations, 0) AS cancellations
        FROM generate_series(p_day - 29, p_day, interval '1 day') d
        LEFT JOIN read.daily_sales s ON s.day = d::date
    )
    SELECT p_day,
           (SELECT time_zone FROM read_model_state),
           (SELECT coalesce(sum(orders), 0) FROM days WHERE day = p_day)::bigint,
           (SELECT coalesce(sum(revenue_cents), 0) FROM days WHERE day = p_day)::bigint,
           (SELECT coalesce(sum(orders), 0) FROM days WHERE day > p_day - 7)::bigint,
           (SELECT coalesce(sum(revenue_cents), 0) FROM days WHERE day > p_day - 7)::bigint,
           (SELECT coalesce(sum(orders), 0) FROM days)::bigint,
           (SELECT coalesce(sum(revenue_cents), 0) FROM days)::bigint,
           (SELECT jsonb_agg(jsonb_build_object(
                       'day', day, 'orders', orders, 'revenue_cents', revenue_cents,
                       'units', units, 'cancellations', cancellations) ORDER BY day)
            FROM days),
           (SELECT jsonb_agg(jsonb_build_object('status', s.status, 'orders', coalesce(c.orders, 0))
                             ORDER BY s.n)
            FROM unnest(ARRAY['placed', 'paid', 'shipped', 'delivered', 'cancelled'])
                 WITH ORDINALITY AS s (status, n)
            LEFT JOIN read.order_status_counts c ON c.status = s.status),
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'product_id', t.product_id, 'sku', i.sku, 'name', i.name,
                       'units', t.units, 'revenue_cents', t.revenue_cents)
                       ORDER BY t.revenue_cents DESC, t.product_id), '[]')
            FROM (SELECT * FROM read.product_sales_30d ORDER BY revenue_cents DESC, product_id LIMIT 10) t
            JOIN read.inventory_status i ON i.product_id = t.product_id),
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'product_id', l.product_id, 'sku', l.sku, 'name', l.name,
                       'available', l.available, 'low_stock_threshold', l.low_stock_threshold)
                       ORDER BY l.available, l.product_id), '[]')
            FROM (SELECT * FROM read.inventory_status WHERE is_low AND active
                  ORDER BY available, product_id LIMIT 10) l),
           (SELECT count(*) FROM read.inventory_status WHERE is_low AND active),
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'id', o.id, 'customer_id', o.customer_id, 'customer_name', o.customer_name,
                       'customer_email', o.customer_email, 'status', o.status,
                       'item_count', o.item_count, 'total_cents', o.total_cents,
                       'placed_at', to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                       ORDER BY o.placed_at DESC, o.id DESC), '[]')
            FROM (SELECT * FROM read.order_summaries ORDER BY placed_at DESC, id DESC LIMIT 10) o)
$$;

-- The day the dashboard (and the 30-day window) stands at: the stored one,
-- or the shop's today before the first batch.
CREATE FUNCTION read_def.dashboard_day() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT max(day) FROM read.dashboard), read_def.shop_today())
$$;

INSERT INTO read.product_sales_30d SELECT * FROM read_def.product_sales_30d(read_def.shop_today());
INSERT INTO read.dashboard SELECT * FROM read_def.dashboard(read_def.shop_today());
INSERT INTO read_model_live (name) VALUES ('product_sales_30d'), ('dashboard');

-- Report views by the shop's month.
DROP MATERIALIZED VIEW read.monthly_sales, read.product_sales_monthly, read.customer_cohorts;

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

GRANT SELECT ON read.monthly_sales, read.product_sales_monthly, read.customer_cohorts,
    read.product_sales_30d, read.dashboard TO orderdesk_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON read.product_sales_30d, read.dashboard TO orderdesk_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA read_def TO orderdesk_app, orderdesk_read_owner;
SELECT orderdesk_read_owner_takes_read();
