-- Live read models: the six materialized views that were refreshed whole after
-- every batch of events become tables in schema `read` (same names, same
-- columns, same indexes) that only the read-model maintainer writes
-- (src/read_models/maintainer/). Each has its one definition beside it, in
-- schema `read_def`: a set-returning SQL function over the write tables, used
-- to maintain (for the keys a batch touched), to rebuild (all keys) and to
-- verify (all keys, compared both ways). A change costs what it touches, not
-- what the shop has sold since it opened.
--
-- Staleness: every live model is maintained to the same snapshot
-- (read_model_state), normally within milliseconds of a commit; the pages say
-- how old that snapshot is and how many changes are pending.

-- Writers wait while the models are first built, so the snapshot stored at the
-- end is exactly what the build saw.
LOCK TABLE customers, products, inventory, orders, order_lines IN SHARE MODE;

DROP FUNCTION read.read_model_status(text, text[]);
DROP FUNCTION read.has_caught_up(text, bigint);
DROP MATERIALIZED VIEW read.order_summaries, read.order_status_counts, read.daily_sales,
    read.product_sales_daily, read.inventory_status, read.customer_stats;

CREATE SCHEMA read_def;
COMMENT ON SCHEMA read_def IS
    'The definitions of the live read models in schema read: functions over the write tables. '
    'Used by the maintainer, rebuild and verify; never granted to the reader.';

-- ---------------------------------------------------------------------------
-- The maintainer's state
-- ---------------------------------------------------------------------------

-- The one snapshot every live model is maintained to: an event is in the live
-- models when its writing transaction is visible in `snapshot` and none of its
-- keys still waits in read_model_queue.
CREATE TABLE read_model_state (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    snapshot  pg_snapshot NOT NULL,
    as_of     timestamptz NOT NULL,
    batches   bigint NOT NULL DEFAULT 0
);

-- Keys whose rows still have to be recomputed: a batch derives them from the
-- new events, recomputes at most a bounded number and carries the rest over.
-- kind: order | customer | product, or a fan-out (customer_orders,
-- product_orders: every order of a renamed customer or product).
CREATE TABLE read_model_queue (
    kind  text NOT NULL CHECK (kind IN ('order', 'customer', 'product', 'customer_orders', 'product_orders')),
    key   bigint NOT NULL,
    txid  xid8 NOT NULL,
    PRIMARY KEY (kind, key, txid)
);
CREATE INDEX read_model_queue_txid ON read_model_queue (txid);

-- Scratch for one batch: the order rows it replaced (sign -1) and wrote
-- (sign +1); the additive models take their deltas from it. Emptied before the
-- batch commits; unlogged, as nothing in it outlives a transaction.
CREATE UNLOGGED TABLE read_model_changes (
    sign         integer NOT NULL CHECK (sign IN (-1, 1)),
    id           bigint NOT NULL,
    customer_id  bigint NOT NULL,
    status       text NOT NULL,
    placed_at    timestamptz NOT NULL,
    line_count   bigint NOT NULL,
    item_count   bigint NOT NULL,
    total_cents  bigint NOT NULL,
    lines        jsonb NOT NULL
);

-- Per live model: what its last batch, rebuild and verify did.
CREATE TABLE read_model_live (
    name               text PRIMARY KEY,
    last_batch_at      timestamptz,
    last_batch_ms      double precision,
    last_rows_changed  bigint,
    rows_changed       bigint NOT NULL DEFAULT 0,
    last_rebuild_at    timestamptz,
    last_rebuild_ms    bigint,
    last_verify_at     timestamptz,
    last_verify_diffs  bigint,
    last_error         text
);
INSERT INTO read_model_live (name) VALUES
    ('order_summaries'), ('order_status_counts'), ('daily_sales'),
    ('product_sales_daily'), ('inventory_status'), ('customer_stats');

-- The maintainer's log: one row per batch that changed something or failed
-- (pruned to the latest few thousand).
CREATE TABLE read_model_batches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at    timestamptz NOT NULL,
    duration_ms   double precision NOT NULL CHECK (duration_ms >= 0),
    trigger       text NOT NULL,
    events        bigint NOT NULL,
    orders        bigint NOT NULL,
    customers     bigint NOT NULL,
    products      bigint NOT NULL,
    carried       bigint NOT NULL,
    rows_changed  bigint NOT NULL,
    outcome       text NOT NULL CHECK (outcome IN ('ok', 'failed')),
    error         text
);

-- ---------------------------------------------------------------------------
-- Definitions (schema read_def). A NULL key array means every key.
-- They are plain SQL functions, so the planner inlines them: for a batch's
-- keys they become index look-ups, for a rebuild one grouped pass.
-- ---------------------------------------------------------------------------

-- One row per order, everything a list or detail page shows, lines embedded.
CREATE FUNCTION read_def.order_summaries(p_ids bigint[])
RETURNS TABLE (
    id bigint, customer_id bigint, customer_name text, customer_email text, status text,
    item_count bigint, line_count bigint, total_cents bigint, shipping_address text,
    placed_at timestamptz, paid_at timestamptz, shipped_at timestamptz, delivered_at timestamptz,
    cancelled_at timestamptz, cancellation_reason text, updated_at timestamptz, version integer,
    search_text text, lines jsonb)
LANGUAGE sql STABLE AS $$
    SELECT o.id, o.customer_id, c.name, c.email, o.status,
           coalesce(l.item_count, 0)::bigint, coalesce(l.line_count, 0)::bigint,
           coalesce(l.total_cents, 0)::bigint, o.shipping_address,
           o.placed_at, o.paid_at, o.shipped_at, o.delivered_at, o.cancelled_at,
           o.cancellation_reason, o.updated_at, o.version,
           lower(c.name || ' ' || c.email || ' #' || o.id),
           coalesce(l.lines, '[]'::jsonb)
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    LEFT JOIN (
        SELECT ol.order_id,
               sum(ol.quantity) AS item_count,
               count(*) AS line_count,
               sum(ol.quantity * ol.unit_price_cents) AS total_cents,
               jsonb_agg(jsonb_build_object(
                   'line_no', ol.line_no, 'product_id', p.id, 'sku', p.sku, 'name', p.name,
                   'quantity', ol.quantity, 'unit_price_cents', ol.unit_price_cents,
                   'line_total_cents', ol.quantity * ol.unit_price_cents) ORDER BY ol.line_no) AS lines
        FROM order_lines ol
        JOIN products p ON p.id = ol.product_id
        WHERE p_ids IS NULL OR ol.order_id = ANY (p_ids)
        GROUP BY ol.order_id
    ) l ON l.order_id = o.id
    WHERE p_ids IS NULL OR o.id = ANY (p_ids)
$$;

-- The sources of the additive models: every order (p_full) or the signed
-- order rows of the running batch (read_model_changes). One aggregate then
-- serves both: over every order it is the model, over the changes its delta.
CREATE FUNCTION read_def.order_rows(p_full boolean)
RETURNS TABLE (sign integer, id bigint, status text, placed_at timestamptz, item_count bigint, total_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT 1, o.id, o.status, o.placed_at, coalesce(t.item_count, 0)::bigint, coalesce(t.total_cents, 0)::bigint
    FROM orders o
    LEFT JOIN (
        SELECT order_id, sum(quantity) AS item_count, sum(quantity * unit_price_cents) AS total_cents
        FROM order_lines GROUP BY order_id
    ) t ON t.order_id = o.id
    WHERE p_full
    UNION ALL
    SELECT c.sign, c.id, c.status, c.placed_at, c.item_count, c.total_cents
    FROM read_model_changes c
    WHERE NOT p_full
$$;

CREATE FUNCTION read_def.line_rows(p_full boolean)
RETURNS TABLE (sign integer, product_id bigint, status text, placed_at timestamptz, quantity bigint, total_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT 1, ol.product_id, o.status, o.placed_at, ol.quantity::bigint, (ol.quantity * ol.unit_price_cents)::bigint
    FROM order_lines ol
    JOIN orders o ON o.id = ol.order_id
    WHERE p_full
    UNION ALL
    SELECT c.sign, (l ->> 'product_id')::bigint, c.status, c.placed_at,
           (l ->> 'quantity')::bigint, (l ->> 'line_total_cents')::bigint
    FROM read_model_changes c
    CROSS JOIN LATERAL jsonb_array_elements(c.lines) l
    WHERE NOT p_full
$$;

-- Orders per status: the dashboard's "waiting" tiles.
CREATE FUNCTION read_def.order_status_counts(p_full boolean)
RETURNS TABLE (status text, orders bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.status, coalesce(sum(r.sign), 0)::bigint
    FROM (VALUES ('placed'), ('paid'), ('shipped'), ('delivered'), ('cancelled')) AS s (status)
    LEFT JOIN read_def.order_rows(p_full) r ON r.status = s.status
    GROUP BY s.status
$$;

-- Per UTC day: orders and revenue (cancelled orders excluded), units, cancellations.
CREATE FUNCTION read_def.daily_sales(p_full boolean)
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
CREATE FUNCTION read_def.product_sales_daily(p_full boolean)
RETURNS TABLE (product_id bigint, day date, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, (r.placed_at AT TIME ZONE 'UTC')::date,
           sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    WHERE r.status <> 'cancelled'
    GROUP BY 1, 2
$$;

-- Per product, all time (cancelled orders excluded): inventory_status's sales columns.
CREATE FUNCTION read_def.product_sales_totals(p_full boolean)
RETURNS TABLE (product_id bigint, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    WHERE r.status <> 'cancelled'
    GROUP BY 1
$$;

-- Per product: stock, price, flags, all-time sales. With p_sales false the
-- sales columns are NULL: a batch keeps them by delta instead of re-summing
-- every order line of the product.
CREATE FUNCTION read_def.inventory_status(p_ids bigint[], p_sales boolean)
RETURNS TABLE (
    product_id bigint, sku text, name text, description text, price_cents bigint, active boolean,
    version integer, on_hand integer, reserved integer, available integer, low_stock_threshold integer,
    is_low boolean, units_sold bigint, revenue_cents bigint, search_text text, updated_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.active, p.version,
           i.on_hand, i.reserved, i.on_hand - i.reserved, i.low_stock_threshold,
           (i.on_hand - i.reserved) <= i.low_stock_threshold,
           CASE WHEN p_sales THEN coalesce(s.units, 0) END,
           CASE WHEN p_sales THEN coalesce(s.revenue_cents, 0) END,
           lower(p.sku || ' ' || p.name),
           greatest(p.updated_at, i.updated_at)
    FROM products p
    JOIN inventory i ON i.product_id = p.id
    LEFT JOIN (SELECT * FROM read_def.product_sales_totals(true) WHERE p_sales) s ON s.product_id = p.id
    WHERE p_ids IS NULL OR p.id = ANY (p_ids)
$$;

-- Per customer: details and order statistics (cancelled orders excluded).
CREATE FUNCTION read_def.customer_stats(p_ids bigint[])
RETURNS TABLE (
    customer_id bigint, name text, email text, phone text, version integer, created_at timestamptz,
    order_count bigint, lifetime_value_cents bigint, first_order_at timestamptz,
    last_order_at timestamptz, search_text text)
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.name, c.email, c.phone, c.version, c.created_at,
           coalesce(s.orders, 0)::bigint, coalesce(s.revenue_cents, 0)::bigint,
           s.first_order_at, s.last_order_at,
           lower(c.name || ' ' || c.email)
    FROM customers c
    LEFT JOIN (
        SELECT t.customer_id, count(*) AS orders, sum(t.total_cents) AS revenue_cents,
               min(t.placed_at) AS first_order_at, max(t.placed_at) AS last_order_at
        FROM (
            SELECT o.id, o.customer_id, o.placed_at, sum(ol.quantity * ol.unit_price_cents) AS total_cents
            FROM orders o
            JOIN order_lines ol ON ol.order_id = o.id
            WHERE o.status <> 'cancelled' AND (p_ids IS NULL OR o.customer_id = ANY (p_ids))
            GROUP BY o.id
        ) t
        GROUP BY t.customer_id
    ) s ON s.customer_id = c.id
    WHERE p_ids IS NULL OR c.id = ANY (p_ids)
$$;

-- Which keys an event touches. A rename fans out to the orders that show the name.
CREATE FUNCTION read_def.event_keys(p_aggregate_type text, p_event_type text)
RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT m.kind
    FROM (VALUES ('order', NULL, 'order'),
                 ('customer', NULL, 'customer'),
                 ('customer', 'customer_updated', 'customer_orders'),
                 ('product', NULL, 'product'),
                 ('product', 'product_updated', 'product_orders')) AS m (aggregate_type, event_type, kind)
    WHERE m.aggregate_type = p_aggregate_type
      AND (m.event_type IS NULL OR m.event_type = p_event_type)
$$;

-- ---------------------------------------------------------------------------
-- The live models: tables, built from their definitions
-- ---------------------------------------------------------------------------

CREATE TABLE read.order_summaries AS SELECT * FROM read_def.order_summaries(NULL);
CREATE UNIQUE INDEX order_summaries_id ON read.order_summaries (id);
CREATE INDEX order_summaries_placed ON read.order_summaries (placed_at DESC, id DESC);
CREATE INDEX order_summaries_total ON read.order_summaries (total_cents DESC, id DESC);
CREATE INDEX order_summaries_status_placed ON read.order_summaries (status, placed_at DESC, id DESC);
CREATE INDEX order_summaries_customer ON read.order_summaries (customer_id, placed_at DESC, id DESC);
CREATE INDEX order_summaries_search ON read.order_summaries USING gin (search_text gin_trgm_ops);

CREATE TABLE read.order_status_counts AS SELECT * FROM read_def.order_status_counts(true);
CREATE UNIQUE INDEX order_status_counts_status ON read.order_status_counts (status);

CREATE TABLE read.daily_sales AS SELECT * FROM read_def.daily_sales(true);
CREATE UNIQUE INDEX daily_sales_day ON read.daily_sales (day);

CREATE TABLE read.product_sales_daily AS SELECT * FROM read_def.product_sales_daily(true);
CREATE UNIQUE INDEX product_sales_daily_key ON read.product_sales_daily (product_id, day);
CREATE INDEX product_sales_daily_day ON read.product_sales_daily (day, product_id)
    INCLUDE (units, revenue_cents);

CREATE TABLE read.inventory_status AS SELECT * FROM read_def.inventory_status(NULL, true);
CREATE UNIQUE INDEX inventory_status_product ON read.inventory_status (product_id);
CREATE UNIQUE INDEX inventory_status_sku ON read.inventory_status (sku);
CREATE INDEX inventory_status_low ON read.inventory_status (available, product_id) WHERE is_low AND active;
CREATE INDEX inventory_status_search ON read.inventory_status USING gin (search_text gin_trgm_ops);

CREATE TABLE read.customer_stats AS SELECT * FROM read_def.customer_stats(NULL);
CREATE UNIQUE INDEX customer_stats_customer ON read.customer_stats (customer_id);
CREATE INDEX customer_stats_value ON read.customer_stats (lifetime_value_cents DESC, customer_id DESC);
CREATE INDEX customer_stats_name ON read.customer_stats (name, customer_id);
CREATE INDEX customer_stats_search ON read.customer_stats USING gin (search_text gin_trgm_ops);

COMMENT ON TABLE read.order_summaries IS
    'Live model: one row per order (definition read_def.order_summaries). Maintained by key.';
COMMENT ON TABLE read.order_status_counts IS
    'Live model: orders per status (read_def.order_status_counts). Maintained by delta.';
COMMENT ON TABLE read.daily_sales IS
    'Live model: sales per UTC day (read_def.daily_sales). Maintained by delta.';
COMMENT ON TABLE read.product_sales_daily IS
    'Live model: units and revenue per product per UTC day (read_def.product_sales_daily). Maintained by delta.';
COMMENT ON TABLE read.inventory_status IS
    'Live model: stock and sales per product (read_def.inventory_status). By key; sales by delta.';
COMMENT ON TABLE read.customer_stats IS
    'Live model: per-customer statistics (read_def.customer_stats). Maintained by key.';

GRANT SELECT ON read.order_summaries, read.order_status_counts, read.daily_sales,
    read.product_sales_daily, read.inventory_status, read.customer_stats TO orderdesk_reader;

INSERT INTO read_model_state (snapshot, as_of) VALUES (pg_current_snapshot(), now());
UPDATE read_model_live SET last_rebuild_at = now();

-- ---------------------------------------------------------------------------
-- Report views: long-range history, refreshed whole (CONCURRENTLY) nightly
-- and by `orderdesk refresh --reports`; "as of last night" is right for them.
-- Their runs are logged in read_model_refreshes.
-- ---------------------------------------------------------------------------

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

GRANT SELECT ON read.monthly_sales, read.product_sales_monthly, read.customer_cohorts TO orderdesk_reader;

-- The refresh log now holds report views only (the live models log batches);
-- the report views were just built, as of this snapshot.
DELETE FROM read_model_refreshes;
INSERT INTO read_model_refreshes (view_name, trigger, started_at, duration_ms, rows, outcome, watermark, snapshot)
SELECT v, 'manual', now(), 0, NULL, 'ok', (SELECT coalesce(max(id), 0) FROM events), pg_current_snapshot()
FROM unnest(ARRAY['monthly_sales', 'product_sales_monthly', 'customer_cohorts']) AS v;

-- ---------------------------------------------------------------------------
-- Freshness for the read side (which may not read the write tables itself)
-- ---------------------------------------------------------------------------

-- Whether a model includes event `p_event_id`. Live models: its transaction is
-- in the maintained snapshot and none of its keys waits in the queue. Report
-- views: the last good refresh's snapshot saw it.
CREATE FUNCTION read.has_caught_up(p_view text, p_event_id bigint)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT coalesce((
        SELECT CASE
            WHEN EXISTS (SELECT 1 FROM read_model_live l WHERE l.name = p_view) THEN
                pg_visible_in_snapshot(e.txid, s.snapshot)
                AND NOT EXISTS (SELECT 1 FROM read_model_queue q WHERE q.txid = e.txid)
            ELSE (SELECT pg_visible_in_snapshot(e.txid, r.snapshot) FROM read_model_refreshes r
                  WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1)
        END
        FROM events e, read_model_state s
        WHERE e.id = p_event_id
    ), false)
$$;

-- The freshness of every live model at once: the snapshot's time, the events
-- committed after it (of the given types) plus the transactions whose keys are
-- still queued, and what each model's last batch, rebuild and verify did.
CREATE FUNCTION read.live_model_status(p_event_types text[])
RETURNS TABLE (
    name text, as_of timestamptz, pending bigint, queued bigint, last_batch_at timestamptz,
    last_batch_ms double precision, last_rows_changed bigint, rows_changed bigint,
    last_rebuild_at timestamptz, last_rebuild_ms bigint, last_verify_at timestamptz, last_verify_diffs bigint,
    last_error text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH s AS (SELECT snapshot, as_of FROM read_model_state),
    unseen AS (
        SELECT count(*) AS n FROM events e, s
        WHERE e.txid >= pg_snapshot_xmin(s.snapshot)
          AND NOT pg_visible_in_snapshot(e.txid, s.snapshot)
          AND (p_event_types IS NULL OR e.event_type = ANY (p_event_types))
    ),
    queued AS (SELECT count(DISTINCT txid) AS n FROM read_model_queue)
    SELECT l.name, s.as_of, unseen.n + queued.n, queued.n, l.last_batch_at, l.last_batch_ms,
           l.last_rows_changed, l.rows_changed, l.last_rebuild_at, l.last_rebuild_ms,
           l.last_verify_at, l.last_verify_diffs, l.last_error
    FROM read_model_live l, s, unseen, queued
$$;

-- The freshness of one model (live or report), as before: as of, pending
-- events of the given types, and its last run.
CREATE FUNCTION read.read_model_status(p_view text, p_event_types text[])
RETURNS TABLE (
    as_of timestamptz, watermark bigint, pending bigint,
    last_run_at timestamptz, last_outcome text, last_duration_ms bigint, last_rows bigint, last_error text
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH live AS (
        SELECT m.as_of, m.pending, m.last_batch_at, m.last_batch_ms, m.last_rows_changed, m.last_error
        FROM read.live_model_status(p_event_types) m WHERE m.name = p_view
    ), ok AS (
        SELECT started_at, r.watermark, snapshot FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome = 'ok' ORDER BY id DESC LIMIT 1
    ), last AS (
        SELECT started_at, outcome, duration_ms, r.rows, error FROM read_model_refreshes r
        WHERE view_name = p_view AND outcome <> 'skipped' ORDER BY id DESC LIMIT 1
    )
    SELECT coalesce(live.as_of, ok.started_at),
           ok.watermark,
           coalesce(live.pending, (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND e.txid >= coalesce(pg_snapshot_xmin(ok.snapshot), '0'::xid8)
               AND (ok.snapshot IS NULL OR NOT pg_visible_in_snapshot(e.txid, ok.snapshot)))),
           coalesce(live.last_batch_at, last.started_at),
           CASE WHEN live.as_of IS NOT NULL THEN 'ok' ELSE last.outcome END,
           coalesce(round(live.last_batch_ms)::bigint, last.duration_ms),
           coalesce(live.last_rows_changed, last.rows),
           CASE WHEN live.as_of IS NOT NULL THEN live.last_error ELSE last.error END
    FROM (SELECT 1) one
    LEFT JOIN live ON true
    LEFT JOIN ok ON true
    LEFT JOIN last ON true
$$;

REVOKE ALL ON FUNCTION read.has_caught_up(text, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.live_model_status(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION read.read_model_status(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.has_caught_up(text, bigint) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.live_model_status(text[]) TO orderdesk_reader;
GRANT EXECUTE ON FUNCTION read.read_model_status(text, text[]) TO orderdesk_reader;
