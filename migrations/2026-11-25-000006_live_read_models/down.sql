-- Back to materialized views refreshed whole (migrations 000002, 000004, 000005).
DROP FUNCTION read.read_model_status(text, text[]);
DROP FUNCTION read.live_model_status(text[]);
DROP FUNCTION read.has_caught_up(text, bigint);
DROP MATERIALIZED VIEW read.monthly_sales, read.product_sales_monthly, read.customer_cohorts;
DROP TABLE read.order_summaries, read.order_status_counts, read.daily_sales,
    read.product_sales_daily, read.inventory_status, read.customer_stats;
DROP SCHEMA read_def CASCADE;
DROP TABLE read_model_state, read_model_queue, read_model_changes, read_model_live, read_model_batches;
DELETE FROM read_model_refreshes;

CREATE MATERIALIZED VIEW read.order_summaries AS
SELECT o.id, o.customer_id, c.name AS customer_name, c.email AS customer_email, o.status,
       coalesce(l.item_count, 0)::bigint AS item_count, coalesce(l.line_count, 0)::bigint AS line_count,
       coalesce(l.total_cents, 0)::bigint AS total_cents, o.shipping_address, o.placed_at, o.paid_at,
       o.shipped_at, o.delivered_at, o.cancelled_at, o.cancellation_reason, o.updated_at, o.version,
       lower(c.name || ' ' || c.email || ' #' || o.id) AS search_text,
       coalesce(l.lines, '[]'::jsonb) AS lines
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN (
    SELECT ol.order_id, sum(ol.quantity) AS item_count, count(*) AS line_count,
           sum(ol.quantity * ol.unit_price_cents) AS total_cents,
           jsonb_agg(jsonb_build_object(
               'line_no', ol.line_no, 'product_id', p.id, 'sku', p.sku, 'name', p.name,
               'quantity', ol.quantity, 'unit_price_cents', ol.unit_price_cents,
               'line_total_cents', ol.quantity * ol.unit_price_cents) ORDER BY ol.line_no) AS lines
    FROM order_lines ol JOIN products p ON p.id = ol.product_id
    GROUP BY ol.order_id
) l ON l.order_id = o.id
WITH DATA;
CREATE UNIQUE INDEX order_summaries_id ON read.order_summaries (id);
CREATE INDEX order_summaries_placed ON read.order_summaries (placed_at DESC, id DESC);
CREATE INDEX order_summaries_total ON read.order_summaries (total_cents DESC, id DESC);
CREATE INDEX order_summaries_status_placed ON read.order_summaries (status, placed_at DESC, id DESC);
CREATE INDEX order_summaries_customer ON read.order_summaries (customer_id, placed_at DESC, id DESC);
CREATE INDEX order_summaries_search ON read.order_summaries USING gin (search_text gin_trgm_ops);

CREATE MATERIALIZED VIEW read.order_status_counts AS
SELECT s.status, count(o.id)::bigint AS orders
FROM (VALUES ('placed'), ('paid'), ('shipped'), ('delivered'), ('cancelled')) AS s (status)
LEFT JOIN orders o ON o.status = s.status
GROUP BY s.status
WITH DATA;
CREATE UNIQUE INDEX order_status_counts_status ON read.order_status_counts (status);

CREATE MATERIALIZED VIEW read.daily_sales AS
SELECT (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       count(*) FILTER (WHERE o.status <> 'cancelled')::bigint AS orders,
       coalesce(sum(t.total_cents) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS revenue_cents,
       coalesce(sum(t.units) FILTER (WHERE o.status <> 'cancelled'), 0)::bigint AS units,
       count(*) FILTER (WHERE o.status = 'cancelled')::bigint AS cancellations
FROM orders o
JOIN (SELECT order_id, sum(quantity * unit_price_cents) AS total_cents, sum(quantity) AS units
      FROM order_lines GROUP BY order_id) t ON t.order_id = o.id
GROUP BY 1
WITH DATA;
CREATE UNIQUE INDEX daily_sales_day ON read.daily_sales (day);

CREATE MATERIALIZED VIEW read.product_sales_daily AS
SELECT ol.product_id, (o.placed_at AT TIME ZONE 'UTC')::date AS day,
       sum(ol.quantity)::bigint AS units, sum(ol.quantity * ol.unit_price_cents)::bigint AS revenue_cents
FROM order_lines ol JOIN orders o ON o.id = ol.order_id
WHERE o.status <> 'cancelled'
GROUP BY 1, 2
WITH DATA;
CREATE UNIQUE INDEX product_sales_daily_key ON read.product_sales_daily (product_id, day);
CREATE INDEX product_sales_daily_day ON read.product_sales_daily (day, product_id) INCLUDE (units, revenue_cents);

CREATE MATERIALIZED VIEW read.inventory_status AS
SELECT p.id AS product_id, p.sku, p.name, p.description, p.price_cents, p.active, p.version,
       i.on_hand, i.reserved, (i.on_hand - i.reserved) AS available, i.low_stock_threshold,
       (i.on_hand - i.reserved) <= i.low_stock_threshold AS is_low,
       coalesce(s.units, 0)::bigint AS units_sold, coalesce(s.revenue_cents, 0)::bigint AS revenue_cents,
       lower(p.sku || ' ' || p.name) AS search_text, greatest(p.updated_at, i.updated_at) AS updated_at
FROM products p
JOIN inventory i ON i.product_id = p.id
LEFT JOIN (
    SELECT ol.product_id, sum(ol.quantity) AS units, sum(ol.quantity * ol.unit_price_cents) AS revenue_cents
    FROM order_lines ol JOIN orders o ON o.id = ol.order_id
    WHERE o.status <> 'cancelled'
    GROUP BY ol.product_id
) s ON s.product_id = p.id
WITH DATA;
CREATE UNIQUE INDEX inventory_status_product ON read.inventory_status (product_id);
CREATE UNIQUE INDEX inventory_status_sku ON read.inventory_status (sku);
CREATE INDEX inventory_status_low ON read.inventory_status (available, product_id) WHERE is_low AND active;
CREATE INDEX inventory_status_search ON read.inventory_status USING gin (search_text gin_trgm_ops);

CREATE MATERIALIZED VIEW read.customer_stats AS
SELECT c.id AS customer_id, c.name, c.email, c.phone, c.version, c.created_at,
       coalesce(s.orders, 0)::bigint AS order_count, coalesce(s.revenue_cents, 0)::bigint AS lifetime_value_cents,
       s.first_order_at, s.last_order_at, lower(c.name || ' ' || c.email) AS search_text
FROM customers c
LEFT JOIN (
    SELECT o.customer_id, count(*) AS orders, sum(t.total_cents) AS revenue_cents,
           min(o.placed_at) AS first_order_at, max(o.placed_at) AS last_order_at
    FROM orders o
    JOIN (SELECT order_id, sum(quantity * unit_price_cents) AS total_cents FROM order_lines GROUP BY order_id) t
      ON t.order_id = o.id
    WHERE o.status <> 'cancelled'
    GROUP BY o.customer_id
) s ON s.customer_id = c.id
WITH DATA;
CREATE UNIQUE INDEX customer_stats_customer ON read.customer_stats (customer_id);
CREATE INDEX customer_stats_value ON read.customer_stats (lifetime_value_cents DESC, customer_id DESC);
CREATE INDEX customer_stats_name ON read.customer_stats (name, customer_id);
CREATE INDEX customer_stats_search ON read.customer_stats USING gin (search_text gin_trgm_ops);

GRANT SELECT ON read.order_summaries, read.order_status_counts, read.daily_sales,
    read.product_sales_daily, read.inventory_status, read.customer_stats TO orderdesk_reader;

CREATE FUNCTION read.read_model_status(p_view text, p_event_types text[])
RETURNS TABLE (
    as_of timestamptz, watermark bigint, pending bigint,
    last_run_at timestamptz, last_outcome text, last_duration_ms bigint, last_rows bigint, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH ok AS (
        SELECT started_at, r.watermark, snapshot, r.rows, duration_ms FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome = 'ok' ORDER BY id DESC LIMIT 1
    ), last AS (
        SELECT started_at, outcome, duration_ms, r.rows, error FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome <> 'skipped' ORDER BY id DESC LIMIT 1
    )
    SELECT ok.started_at,
           ok.watermark,
           (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND e.txid >= coalesce(pg_snapshot_xmin(ok.snapshot), '0'::xid8)
               AND (ok.snapshot IS NULL OR NOT pg_visible_in_snapshot(e.txid, ok.snapshot))),
           last.started_at, last.outcome, last.duration_ms, last.rows, last.error
    FROM (SELECT 1) one
    LEFT JOIN ok ON true
    LEFT JOIN last ON true
$$;

CREATE FUNCTION read.has_caught_up(p_view text, p_event_id bigint)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT coalesce((
        SELECT pg_visible_in_snapshot(e.txid, r.snapshot)
        FROM events e,
             LATERAL (SELECT snapshot FROM read_model_refreshes
                      WHERE view_name = p_view AND outcome = 'ok' ORDER BY id DESC LIMIT 1) r
        WHERE e.id = p_event_id
    ), false)
$$;

REVOKE ALL ON FUNCTION read.read_model_status(text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.has_caught_up(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.read_model_status(text, text[]) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.has_caught_up(text, bigint) TO orderdesk_reader;
