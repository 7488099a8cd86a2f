-- The read side's tables: the maintainer's bookkeeping (schema public), the
-- live read models and the report views (schema `read`). Pages read `read`
-- only, through connections that act as `orderdesk_reader` (SELECT on `read`,
-- nothing in `public`).
--
-- The read side's FUNCTIONS are not here: the live models' definitions
-- (schema read_def) and the functions pages call (read.*) live in
-- src/read_models/schema/*.sql, which `orderdesk migrate` re-applies whenever
-- their content changes (see src/db/replaceable.rs). A change to a definition
-- is a diff of that file, never a migration.
--
-- Staleness: every live model is maintained to the same snapshot
-- (read_model_state), normally within milliseconds of a commit; the pages say
-- how old that snapshot is and how many changes are pending. Report views are
-- refreshed whole, nightly and by `orderdesk refresh --reports`.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA read;
REVOKE ALL ON SCHEMA read FROM PUBLIC;
GRANT USAGE ON SCHEMA read TO orderdesk_app, orderdesk_read_owner, orderdesk_reader;
-- The read models: maintained by the application, read by the reader, owned
-- by orderdesk_read_owner (see orderdesk_read_owner_takes_read below).
ALTER DEFAULT PRIVILEGES IN SCHEMA read
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA read GRANT SELECT ON TABLES TO orderdesk_reader;
-- Relations orderdesk_read_owner creates itself (a rebuild run with
-- `SET ROLE orderdesk_read_owner`, should it be given CREATE on `read`) are
-- granted like the migrations' own.
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orderdesk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE orderdesk_read_owner IN SCHEMA read
    GRANT SELECT ON TABLES TO orderdesk_reader;

-- ---------------------------------------------------------------------------
-- The maintainer's state (schema public: the reader never sees it)
-- ---------------------------------------------------------------------------

-- The refresh log of the report views: one row per refresh run (bounded: old
-- runs are pruned). `snapshot` is the snapshot the refresh read the write
-- tables with, so the events it did not see are known exactly; `watermark` is
-- the highest event id it saw.
CREATE TABLE read_model_refreshes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    view_name    text NOT NULL,
    trigger      text NOT NULL CHECK (trigger IN ('cron', 'schedule', 'notify', 'manual')),
    started_at   timestamptz NOT NULL,
    duration_ms  bigint NOT NULL CHECK (duration_ms >= 0),
    rows         bigint,
    outcome      text NOT NULL CHECK (outcome IN ('ok', 'skipped', 'failed')),
    error        text,
    watermark    bigint,
    snapshot     pg_snapshot
);
CREATE INDEX read_model_refreshes_view ON read_model_refreshes (view_name, id DESC);
CREATE INDEX read_model_refreshes_ok ON read_model_refreshes (view_name, id DESC) WHERE outcome = 'ok';

-- The one snapshot every live model is maintained to: an event is in the live
-- models when its writing transaction is visible in `snapshot` and none of its
-- keys still waits in read_model_queue. `time_zone` is the shop's (an IANA
-- name, `time_zone` in Rocket.toml): `orderdesk migrate` writes it and
-- rebuilds the per-day models when it changes; every per-day figure is a day
-- in that zone.
CREATE TABLE read_model_state (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    snapshot   pg_snapshot NOT NULL,
    as_of      timestamptz NOT NULL,
    batches    bigint NOT NULL DEFAULT 0,
    time_zone  text NOT NULL DEFAULT 'UTC'
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
-- `generation` counts every change to a live model's rows, bumped in the
-- transaction that makes the change (a maintainer batch that wrote or removed
-- rows of it, a rebuild, a repair): a page's ETag moves with it. A counter,
-- not a clock: the batch's start time comes from the application's clock and
-- a rebuild's from the database's, and a marker must never go back.
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
    last_error         text,
    generation         bigint NOT NULL DEFAULT 0
);

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
-- The live models: tables in `read` that only the maintainer writes
-- (src/read_models/maintainer/), each with its definition in read_def (the
-- replaceable SQL): maintained for the keys a batch touched, rebuilt from all
-- keys, verified both ways. A change costs what it touches, not what the shop
-- has sold since it opened. Their columns are nullable: they were first made
-- with CREATE TABLE AS from their definitions, and a database made by this
-- baseline is the same as one made then.
-- ---------------------------------------------------------------------------

-- One row per order, everything a list or detail page shows, lines embedded.
CREATE TABLE read.order_summaries (
    id                   bigint,
    customer_id          bigint,
    customer_name        text,
    customer_email       text,
    status               text,
    item_count           bigint,
    line_count           bigint,
    total_cents          bigint,
    shipping_address     text,
    placed_at            timestamptz,
    paid_at              timestamptz,
    shipped_at           timestamptz,
    delivered_at         timestamptz,
    cancelled_at         timestamptz,
    cancellation_reason  text,
    updated_at           timestamptz,
    version              integer,
    search_text          text,
    lines                jsonb
);
CREATE UNIQUE INDEX order_summaries_id ON read.order_summaries (id);
CREATE INDEX order_summaries_placed ON read.order_summaries (placed_at DESC, id DESC);
CREATE INDEX order_summaries_total ON read.order_summaries (total_cents DESC, id DESC);
CREATE INDEX order_summaries_status_placed ON read.order_summaries (status, placed_at DESC, id DESC);
CREATE INDEX order_summaries_customer ON read.order_summaries (customer_id, placed_at DESC, id DESC);
CREATE INDEX order_summaries_search ON read.order_summaries USING gin (search_text gin_trgm_ops);
COMMENT ON TABLE read.order_summaries IS
    'Live model: one row per order (definition read_def.order_summaries). Maintained by key.';

-- Orders per status: the dashboard's "waiting" tiles without counting a million rows.
CREATE TABLE read.order_status_counts (
    status  text,
    orders  bigint
);
CREATE UNIQUE INDEX order_status_counts_status ON read.order_status_counts (status);
COMMENT ON TABLE read.order_status_counts IS
    'Live model: orders per status (read_def.order_status_counts). Maintained by delta.';

-- Per shop day: orders and revenue (cancelled orders excluded), units, cancellations.
CREATE TABLE read.daily_sales (
    day            date,
    orders         bigint,
    revenue_cents  bigint,
    units          bigint,
    cancellations  bigint
);
CREATE UNIQUE INDEX daily_sales_day ON read.daily_sales (day);
COMMENT ON TABLE read.daily_sales IS
    'Live model: sales per UTC day (read_def.daily_sales). Maintained by delta.';

-- Per product per shop day (cancelled orders excluded); 30-day and all-time
-- figures are summed from it.
CREATE TABLE read.product_sales_daily (
    product_id     bigint,
    day            date,
    units          bigint,
    revenue_cents  bigint
);
CREATE UNIQUE INDEX product_sales_daily_key ON read.product_sales_daily (product_id, day);
-- The summed columns are included so a 30-day range is an index-only scan:
-- through (day, product_id) alone the dashboard's top-10 was a bitmap heap
-- scan over ~3000 pages at 1M orders (22.6 -> 10.6 ms for that query).
CREATE INDEX product_sales_daily_day ON read.product_sales_daily (day, product_id)
    INCLUDE (units, revenue_cents);
COMMENT ON TABLE read.product_sales_daily IS
    'Live model: units and revenue per product per UTC day (read_def.product_sales_daily). Maintained by delta.';

-- Per product: stock, price, flags, all-time sales.
CREATE TABLE read.inventory_status (
    product_id           bigint,
    sku                  text,
    name                 text,
    description          text,
    price_cents          bigint,
    active               boolean,
    version              integer,
    on_hand              integer,
    reserved             integer,
    available            integer,
    low_stock_threshold  integer,
    is_low               boolean,
    units_sold           bigint,
    revenue_cents        bigint,
    search_text          text,
    updated_at           timestamptz
);
CREATE UNIQUE INDEX inventory_status_product ON read.inventory_status (product_id);
CREATE UNIQUE INDEX inventory_status_sku ON read.inventory_status (sku);
CREATE INDEX inventory_status_low ON read.inventory_status (available, product_id) WHERE is_low AND active;
CREATE INDEX inventory_status_search ON read.inventory_status USING gin (search_text gin_trgm_ops);
COMMENT ON TABLE read.inventory_status IS
    'Live model: stock and sales per product (read_def.inventory_status). By key; sales by delta.';

-- Per customer: details and order statistics (cancelled orders excluded).
CREATE TABLE read.customer_stats (
    customer_id           bigint,
    name                  text,
    email                 text,
    phone                 text,
    version               integer,
    created_at            timestamptz,
    order_count           bigint,
    lifetime_value_cents  bigint,
    first_order_at        timestamptz,
    last_order_at         timestamptz,
    search_text           text
);
CREATE UNIQUE INDEX customer_stats_customer ON read.customer_stats (customer_id);
CREATE INDEX customer_stats_value ON read.customer_stats (lifetime_value_cents DESC, customer_id DESC);
CREATE INDEX customer_stats_name ON read.customer_stats (name, customer_id);
CREATE INDEX customer_stats_search ON read.customer_stats USING gin (search_text gin_trgm_ops);
COMMENT ON TABLE read.customer_stats IS
    'Live model: per-customer statistics (read_def.customer_stats). Details by key; order figures by delta.';

-- Each product's sales over the 30 shop days ending the dashboard's day,
-- moved by the same signed deltas as product_sales_daily.
CREATE TABLE read.product_sales_30d (
    product_id     bigint NOT NULL,
    units          bigint NOT NULL,
    revenue_cents  bigint NOT NULL
);
CREATE UNIQUE INDEX product_sales_30d_product ON read.product_sales_30d (product_id);
CREATE INDEX product_sales_30d_rank ON read.product_sales_30d (revenue_cents DESC, product_id);
COMMENT ON TABLE read.product_sales_30d IS
    'Live: units and revenue per product over the 30 shop days ending read.dashboard.day.';

-- One row: everything the dashboard page shows, so it renders from one
-- indexed read. The rolling windows move when the maintainer sees the shop's
-- day change.
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

-- The live models, maintained from this snapshot on (they are empty, as the
-- write tables are). The dashboard's first row is written by the replaceable
-- SQL, from its definition.
INSERT INTO read_model_live (name, last_rebuild_at) VALUES
    ('order_summaries', now()), ('order_status_counts', now()), ('daily_sales', now()),
    ('product_sales_daily', now()), ('inventory_status', now()), ('customer_stats', now());
INSERT INTO read_model_live (name) VALUES ('product_sales_30d'), ('dashboard');
INSERT INTO read_model_state (snapshot, as_of) VALUES (pg_current_snapshot(), now());

-- ---------------------------------------------------------------------------
-- Report views: long-range history by the shop's month, refreshed whole
-- (CONCURRENTLY) nightly and by `orderdesk refresh --reports`; "as of last
-- night" is right for them. Their runs are logged in read_model_refreshes.
-- They stay here rather than in the replaceable SQL: a materialized view is
-- data as well as a definition, and re-creating one on every change of a
-- file would empty it until the next refresh. A change to one is a migration.
-- They read only tables, never a read_def function, so they do not depend on
-- the replaceable SQL.
-- ---------------------------------------------------------------------------

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

-- The report views were just built, as of this snapshot.
INSERT INTO read_model_refreshes (view_name, trigger, started_at, duration_ms, rows, outcome, watermark, snapshot)
SELECT v, 'manual', now(), 0, NULL, 'ok', (SELECT coalesce(max(id), 0) FROM events), pg_current_snapshot()
FROM unnest(ARRAY['monthly_sales', 'product_sales_monthly', 'customer_cohorts']) AS v;

-- ---------------------------------------------------------------------------
-- Ownership of `read`
-- ---------------------------------------------------------------------------

-- Hands every relation in `read` to orderdesk_read_owner. A migration that
-- creates read models calls it again: `SELECT orderdesk_read_owner_takes_read();`.
-- (The new owner needs CREATE on the schema for ALTER OWNER; it gets it only
-- for the hand-over, so no member can create new objects there.)
CREATE FUNCTION orderdesk_read_owner_takes_read() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    GRANT CREATE ON SCHEMA read TO orderdesk_read_owner;
    FOR r IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'read' AND c.relkind IN ('r', 'm', 'v', 'p')
          AND c.relowner <> 'orderdesk_read_owner'::regrole
    LOOP
        EXECUTE format('ALTER %s read.%I OWNER TO orderdesk_read_owner',
            CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
            r.relname);
    END LOOP;
    REVOKE CREATE ON SCHEMA read FROM orderdesk_read_owner;
END
$$;
REVOKE ALL ON FUNCTION orderdesk_read_owner_takes_read() FROM PUBLIC;
SELECT orderdesk_read_owner_takes_read();
