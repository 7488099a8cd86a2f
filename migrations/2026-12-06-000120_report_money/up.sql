-- The reports count money as the order stored it (issue 24). Until now the
-- three report views added up quantity × catalogue price: before discounts,
-- and blind to tax and shipping. They now add up:
--   revenue_cents   net sales: Σ the lines' net (after discounts, before tax
--                   and shipping), the same figure as every live model
--                   (read.order_summaries.net_sales_cents);
--   tax_cents       tax collected on the lines and the shipping;
--   shipping_cents  the shipping charged, net of its tax;
--   refunds_cents   (monthly_sales) money given back in the month, by the
--                   refund's date (payments of kind 'refund' not voided).
-- An order counts in its shop month of placement, cancelled orders excepted,
-- as before. The views are rebuilt WITH DATA here, so they are fresh.

DROP MATERIALIZED VIEW read.monthly_sales;
DROP MATERIALIZED VIEW read.product_sales_monthly;
DROP MATERIALIZED VIEW read.customer_cohorts;

CREATE MATERIALIZED VIEW read.monthly_sales AS
WITH z AS (SELECT time_zone FROM read_model_state),
placed AS (
    SELECT date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
           count(*) FILTER (WHERE o.status <> 'cancelled')::bigint AS orders,
           coalesce(sum(t.net_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS revenue_cents,
           coalesce(sum(t.units) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS units,
           count(*) FILTER (WHERE o.status = 'cancelled')::bigint AS cancellations,
           count(DISTINCT o.customer_id) FILTER (WHERE o.status <> 'cancelled')::bigint AS customers,
           coalesce(sum(o.tax_total_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS tax_cents,
           coalesce(sum(o.shipping_net_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint
               AS shipping_cents
    FROM orders o
    CROSS JOIN z
    JOIN (SELECT order_id, sum(quantity) AS units, sum(net_cents) AS net_cents
          FROM order_lines GROUP BY order_id) t ON t.order_id = o.id
    GROUP BY 1
), refunded AS (
    SELECT date_trunc('month', r.received_on)::date AS month, sum(r.amount_cents)::bigint AS refunds_cents
    FROM payments r
    WHERE r.kind = 'refund'
      AND NOT EXISTS (SELECT 1 FROM payments v WHERE v.voids_payment_id = r.id)
    GROUP BY 1
)
SELECT coalesce(p.month, r.month) AS month,
       coalesce(p.orders, 0)::bigint AS orders,
       coalesce(p.revenue_cents, 0)::bigint AS revenue_cents,
       coalesce(p.units, 0)::bigint AS units,
       coalesce(p.cancellations, 0)::bigint AS cancellations,
       coalesce(p.customers, 0)::bigint AS customers,
       coalesce(p.tax_cents, 0)::bigint AS tax_cents,
       coalesce(p.shipping_cents, 0)::bigint AS shipping_cents,
       coalesce(r.refunds_cents, 0)::bigint AS refunds_cents
FROM placed p
FULL JOIN refunded r ON r.month = p.month
WITH DATA;
CREATE UNIQUE INDEX monthly_sales_month ON read.monthly_sales (month);
COMMENT ON MATERIALIZED VIEW read.monthly_sales IS
    'Report: net sales, tax, shipping, refunds and orders per shop month. Refreshed nightly.';

CREATE MATERIALIZED VIEW read.product_sales_monthly AS
SELECT ol.product_id,
       date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
       p.sku,
       p.name,
       sum(ol.quantity)::bigint AS units,
       sum(ol.net_cents)::bigint AS revenue_cents,
       count(DISTINCT o.id)::bigint AS orders,
       sum(ol.tax_cents)::bigint AS tax_cents
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
    'Report: units, net sales and tax per product per shop month. Refreshed nightly.';

CREATE MATERIALIZED VIEW read.customer_cohorts AS
WITH z AS (SELECT time_zone FROM read_model_state),
firsts AS (
    SELECT o.customer_id, min(date_trunc('month', o.placed_at AT TIME ZONE z.time_zone))::date AS cohort
    FROM orders o, z WHERE o.status <> 'cancelled' GROUP BY o.customer_id
), activity AS (
    SELECT o.customer_id, date_trunc('month', o.placed_at AT TIME ZONE z.time_zone)::date AS month,
           sum(ol.net_cents) AS revenue_cents, count(DISTINCT o.id) AS orders
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
    'Report: customers by shop month of first order and their net sales in later months. Refreshed nightly.';

GRANT SELECT ON read.monthly_sales, read.product_sales_monthly, read.customer_cohorts
    TO orderdesk_app, orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();

INSERT INTO read_model_refreshes (view_name, trigger, started_at, duration_ms, rows, outcome, watermark, snapshot)
SELECT v, 'manual', now(), 0, NULL, 'ok', (SELECT coalesce(max(id), 0) FROM events), pg_current_snapshot()
FROM unnest(ARRAY['monthly_sales', 'product_sales_monthly', 'customer_cohorts']) AS v;
