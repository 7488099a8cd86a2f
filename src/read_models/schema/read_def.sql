-- The live read models' definitions (schema read_def): one set-returning
-- function over the write tables per model, used by the maintainer (for the
-- keys a batch touched), by a rebuild (all keys) and by verify (all keys,
-- compared both ways). A NULL key array means every key. They are plain SQL
-- functions, so the planner inlines them: for a batch's keys they become index
-- look-ups, for a rebuild one grouped pass. Never granted to the reader.
--
-- Replaceable schema: `orderdesk migrate` runs this file (with read.sql) in one
-- transaction whenever the files' content changes (src/db/replaceable.rs), so
-- the schema is dropped and made again from this text: change a definition
-- here, never in a migration. Nothing in migrations/ may depend on read_def.

DROP SCHEMA IF EXISTS read_def CASCADE;
CREATE SCHEMA read_def;
COMMENT ON SCHEMA read_def IS
    'The definitions of the live read models in schema read: functions over the write tables. '
    'Used by the maintainer, rebuild and verify; never granted to the reader.';
GRANT USAGE ON SCHEMA read_def TO orderdesk_app, orderdesk_read_owner;

-- Notes (issue 25) -------------------------------------------------------
-- The notes on the page: those not removed. Kept by key: the notes of the
-- orders p_orders (their events are the order's) and of the customers
-- p_customers (the customer's). Both NULL: every note.
CREATE FUNCTION read_def.notes(p_orders bigint[], p_customers bigint[])
RETURNS TABLE (
    id bigint, order_id bigint, customer_id bigint, author_user_id bigint, author text, body text,
    created_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT n.id, n.order_id, n.customer_id, n.author_user_id, n.author, n.body, n.created_at
    FROM notes n
    WHERE n.removed_at IS NULL
      AND ((p_orders IS NULL AND p_customers IS NULL)
           OR n.order_id = ANY (p_orders)
           OR n.customer_id = ANY (p_customers))
$$;

-- The text of each subject's notes (not removed), oldest first, for the
-- lists' search text: per order of p_orders and per customer of p_customers
-- (NULL: every order, or every customer; '{}': none).
CREATE FUNCTION read_def.note_bodies(p_orders bigint[], p_customers bigint[])
RETURNS TABLE (order_id bigint, customer_id bigint, bodies text)
LANGUAGE sql STABLE AS $$
    SELECT n.order_id, NULL::bigint, string_agg(n.body, ' ' ORDER BY n.id)
    FROM notes n
    WHERE n.removed_at IS NULL AND n.order_id IS NOT NULL
      AND (p_orders IS NULL OR n.order_id = ANY (p_orders))
    GROUP BY n.order_id
    UNION ALL
    SELECT NULL::bigint, n.customer_id, string_agg(n.body, ' ' ORDER BY n.id)
    FROM notes n
    WHERE n.removed_at IS NULL AND n.customer_id IS NOT NULL
      AND (p_customers IS NULL OR n.customer_id = ANY (p_customers))
    GROUP BY n.customer_id
$$;
-- ------------------------------------------------------------------------

-- Invoices and credit notes (issue 24) -----------------------------------
-- The documents of the orders p_orders (NULL: every order), each with the
-- number of the invoice it credits and of the credit note that credited it.
CREATE FUNCTION read_def.order_documents(p_orders bigint[])
RETURNS TABLE (
    id bigint, order_id bigint, kind text, number text, credits_invoice_id bigint,
    credits_number text, credited_by_number text, issued_on date, issued_at timestamptz,
    issued_by text, currency text, net_cents bigint, tax_cents bigint, shipping_cents bigint,
    grand_total_cents bigint, document jsonb)
LANGUAGE sql STABLE AS $$
    SELECT d.id, d.order_id, d.kind, d.number, d.credits_invoice_id, c.number, cn.number,
           d.issued_on, d.issued_at, d.issued_by, d.currency, d.net_cents, d.tax_cents,
           d.shipping_cents, d.grand_total_cents, d.document
    FROM invoices d
    LEFT JOIN invoices c ON c.id = d.credits_invoice_id
    LEFT JOIN invoices cn ON cn.credits_invoice_id = d.id
    WHERE p_orders IS NULL OR d.order_id = ANY (p_orders)
$$;
-- ------------------------------------------------------------------------

-- One row per order, everything a list or detail page shows, lines embedded.
-- Its addresses are the order's own copies (order_addresses): structured ones
-- as JSON in `shipping`/`billing` (the shape of domain::AddressFields), a
-- free-text one from before them in `shipping_address`.
-- Its money is what the order stored when it was priced (migration 000070),
-- never recomputed here: `total_cents` is the grand total (what the customer
-- pays), `net_sales_cents` the order's net sales (Σ its lines' net: after
-- discounts, before tax and shipping; the revenue every model adds up),
-- `money` the rest of the figures (subtotal, discounts as entered and
-- computed, shipping, tax per rate from order_taxes), and each line its
-- rate, discount, net, tax and total.
-- Its money received
-- (issue 24, payments): paid and refunded (the order's running sums), the
-- balance due, the payment state (orders.payment_status) and the payments
-- list, oldest first, each entry with the void that reversed it if any.
CREATE FUNCTION read_def.order_summaries(p_ids bigint[])
RETURNS TABLE (
    id bigint, customer_id bigint, customer_name text, customer_email text, fulfilment_status text,
    item_count bigint, line_count bigint, total_cents bigint, shipping_address text,
    placed_at timestamptz, paid_at timestamptz, shipped_at timestamptz, delivered_at timestamptz,
    cancelled_at timestamptz, cancellation_reason text, updated_at timestamptz, version integer,
    search_text text, lines jsonb, shipping jsonb, billing jsonb,
    net_sales_cents bigint, discount_total_cents bigint, shipping_cents bigint,
    tax_total_cents bigint, money jsonb,
    paid_cents bigint, refunded_cents bigint, balance_due_cents bigint, payment_status text,
    payments jsonb)
LANGUAGE sql STABLE AS $$
    SELECT o.id, o.customer_id, c.name, c.email, o.fulfilment_status,
           coalesce(l.item_count, 0)::bigint, coalesce(l.line_count, 0)::bigint,
           o.grand_total_cents,
           -- A free-text address from before structured ones, as it was typed.
           CASE WHEN NOT sa.structured THEN sa.line1 END,
           o.placed_at, o.paid_at, o.shipped_at, o.delivered_at, o.cancelled_at,
           o.cancellation_reason, o.updated_at, o.version,
           -- The order's notes (not removed) are searchable from the list.
           lower(c.name || ' ' || c.email || ' #' || o.id || coalesce(' ' || n.bodies, '')),
           coalesce(l.lines, '[]'::jsonb),
           CASE WHEN sa.structured THEN jsonb_build_object(
               'name', sa.name, 'company', sa.company, 'line1', sa.line1, 'line2', sa.line2,
               'city', sa.city, 'region', sa.region, 'postal_code', sa.postal_code,
               'country', sa.country, 'phone', sa.phone) END,
           CASE WHEN ba.structured THEN jsonb_build_object(
               'name', ba.name, 'company', ba.company, 'line1', ba.line1, 'line2', ba.line2,
               'city', ba.city, 'region', ba.region, 'postal_code', ba.postal_code,
               'country', ba.country, 'phone', ba.phone) END,
           coalesce(l.net_sales_cents, 0)::bigint, o.discount_total_cents, o.shipping_cents,
           o.tax_total_cents,
           jsonb_build_object(
               'pricing', o.pricing, 'subtotal_cents', o.subtotal_cents,
               'line_discounts_cents', o.line_discounts_cents,
               'discount_kind', o.discount_kind, 'discount_value', o.discount_value,
               'order_discount_cents', o.order_discount_cents,
               'discount_total_cents', o.discount_total_cents,
               'shipping_cents', o.shipping_cents, 'shipping_waived', o.shipping_waived,
               'shipping_tax_rate_ppm', o.shipping_tax_rate_ppm,
               'shipping_net_cents', o.shipping_net_cents, 'shipping_tax_cents', o.shipping_tax_cents,
               'net_total_cents', o.net_total_cents, 'tax_total_cents', o.tax_total_cents,
               'grand_total_cents', o.grand_total_cents,
               'taxes', coalesce(x.taxes, '[]'::jsonb)),
           o.paid_cents, o.refunded_cents,
           greatest(o.grand_total_cents - (o.paid_cents - o.refunded_cents), 0),
           o.payment_status,
           coalesce((
               SELECT jsonb_agg(jsonb_build_object(
                          'id', p.id, 'kind', p.kind, 'amount_cents', p.amount_cents,
                          'method', p.method, 'reference', p.reference, 'received_on', p.received_on,
                          'voids_payment_id', p.voids_payment_id,
                          'voided_by', (SELECT v.id FROM payments v WHERE v.voids_payment_id = p.id),
                          'overpayment_confirmed', p.overpayment_confirmed, 'actor', p.actor,
                          'recorded_at', to_char(p.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                          ORDER BY p.id)
               FROM payments p WHERE p.order_id = o.id), '[]'::jsonb)
    FROM orders o
    JOIN customers c ON c.id = o.customer_id
    LEFT JOIN order_addresses sa ON sa.order_id = o.id AND sa.role = 'shipping'
    LEFT JOIN order_addresses ba ON ba.order_id = o.id AND ba.role = 'billing'
    LEFT JOIN (
        SELECT ol.order_id,
               sum(ol.quantity) AS item_count,
               count(*) AS line_count,
               sum(ol.net_cents) AS net_sales_cents,
               jsonb_agg(jsonb_build_object(
                   'line_no', ol.line_no, 'product_id', p.id, 'sku', p.sku, 'name', p.name,
                   'quantity', ol.quantity, 'unit_price_cents', ol.unit_price_cents,
                   'line_total_cents', ol.subtotal_cents, 'tax_rate_ppm', ol.tax_rate_ppm,
                   'discount_kind', ol.discount_kind, 'discount_value', ol.discount_value,
                   'line_discount_cents', ol.line_discount_cents,
                   'order_discount_cents', ol.order_discount_cents, 'net_cents', ol.net_cents,
                   'tax_cents', ol.tax_cents, 'total_cents', ol.total_cents) ORDER BY ol.line_no) AS lines
        FROM order_lines ol
        JOIN products p ON p.id = ol.product_id
        WHERE p_ids IS NULL OR ol.order_id = ANY (p_ids)
        GROUP BY ol.order_id
    ) l ON l.order_id = o.id
    LEFT JOIN read_def.note_bodies(p_ids, '{}') n ON n.order_id = o.id
    LEFT JOIN (
        SELECT t.order_id,
               jsonb_agg(jsonb_build_object(
                   'rate_ppm', t.rate_ppm, 'net_cents', t.net_cents, 'tax_cents', t.tax_cents,
                   'gross_cents', t.gross_cents) ORDER BY t.rate_ppm) AS taxes
        FROM order_taxes t
        WHERE p_ids IS NULL OR t.order_id = ANY (p_ids)
        GROUP BY t.order_id
    ) x ON x.order_id = o.id
    WHERE p_ids IS NULL OR o.id = ANY (p_ids)
$$;

-- The sources of the additive models: every order (p_full) or the signed
-- order rows of the running batch (read_model_changes). One aggregate then
-- serves both: over every order it is the model, over the changes its delta.
-- Revenue, here and in every model built on these rows, is NET SALES: the
-- lines' stored net (after line and order discounts, before tax and
-- shipping), defined once: `total_cents` below.
CREATE FUNCTION read_def.order_rows(p_full boolean)
RETURNS TABLE (sign integer, id bigint, fulfilment_status text, placed_at timestamptz, item_count bigint, total_cents bigint,
               balance_due_cents bigint, net_paid_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT 1, o.id, o.fulfilment_status, o.placed_at, coalesce(t.item_count, 0)::bigint, coalesce(t.net_sales_cents, 0)::bigint,
           greatest(o.grand_total_cents - (o.paid_cents - o.refunded_cents), 0),
           o.paid_cents - o.refunded_cents
    FROM orders o
    LEFT JOIN (
        SELECT order_id, sum(quantity) AS item_count, sum(net_cents) AS net_sales_cents
        FROM order_lines GROUP BY order_id
    ) t ON t.order_id = o.id
    WHERE p_full
    UNION ALL
    SELECT c.sign, c.id, c.fulfilment_status, c.placed_at, c.item_count, c.net_sales_cents, c.balance_due_cents, c.net_paid_cents
    FROM read_model_changes c
    WHERE NOT p_full
$$;

CREATE FUNCTION read_def.line_rows(p_full boolean)
RETURNS TABLE (sign integer, product_id bigint, fulfilment_status text, placed_at timestamptz, quantity bigint, total_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT 1, ol.product_id, o.fulfilment_status, o.placed_at, ol.quantity::bigint, ol.net_cents
    FROM order_lines ol
    JOIN orders o ON o.id = ol.order_id
    WHERE p_full
    UNION ALL
    SELECT c.sign, (l ->> 'product_id')::bigint, c.fulfilment_status, c.placed_at,
           (l ->> 'quantity')::bigint, (l ->> 'net_cents')::bigint
    FROM read_model_changes c
    CROSS JOIN LATERAL jsonb_array_elements(c.lines) l
    WHERE NOT p_full
$$;

-- Orders per fulfilment state: the dashboard's "waiting" tiles; and per
-- state the orders with a balance due and the sum due ("awaiting payment").
-- The payment state is not a key: per state, orders − due_orders are those
-- with nothing due (paid or overpaid), which is all "to ship" needs.
CREATE FUNCTION read_def.order_status_counts(p_full boolean)
RETURNS TABLE (fulfilment_status text, orders bigint, due_orders bigint, due_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.fulfilment_status, coalesce(sum(r.sign), 0)::bigint,
           coalesce(sum(r.sign) FILTER (WHERE r.balance_due_cents > 0), 0)::bigint,
           coalesce(sum(r.sign * r.balance_due_cents), 0)::bigint
    FROM (VALUES ('unfulfilled'), ('shipped'), ('delivered'), ('cancelled')) AS s (fulfilment_status)
    LEFT JOIN read_def.order_rows(p_full) r ON r.fulfilment_status = s.fulfilment_status
    GROUP BY s.fulfilment_status
$$;

-- Per shop day: orders and revenue (cancelled orders excluded), units, cancellations.
CREATE FUNCTION read_def.daily_sales(p_full boolean)
RETURNS TABLE (day date, orders bigint, revenue_cents bigint, units bigint, cancellations bigint)
LANGUAGE sql STABLE AS $$
    SELECT (r.placed_at AT TIME ZONE z.time_zone)::date,
           coalesce(sum(r.sign) FILTER (WHERE r.fulfilment_status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.total_cents) FILTER (WHERE r.fulfilment_status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign * r.item_count) FILTER (WHERE r.fulfilment_status <> 'cancelled'), 0)::bigint,
           coalesce(sum(r.sign) FILTER (WHERE r.fulfilment_status = 'cancelled'), 0)::bigint
    FROM read_def.order_rows(p_full) r
    CROSS JOIN (SELECT time_zone FROM read_model_state) z
    GROUP BY 1
$$;

-- Per product per shop day (cancelled orders excluded).
CREATE FUNCTION read_def.product_sales_daily(p_full boolean)
RETURNS TABLE (product_id bigint, day date, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, (r.placed_at AT TIME ZONE z.time_zone)::date,
           sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    CROSS JOIN (SELECT time_zone FROM read_model_state) z
    WHERE r.fulfilment_status <> 'cancelled'
    GROUP BY 1, 2
$$;

-- Per product, all time (cancelled orders excluded): inventory_status's sales columns.
CREATE FUNCTION read_def.product_sales_totals(p_full boolean)
RETURNS TABLE (product_id bigint, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.product_id, sum(r.sign * r.quantity)::bigint, sum(r.sign * r.total_cents)::bigint
    FROM read_def.line_rows(p_full) r
    WHERE r.fulfilment_status <> 'cancelled'
    GROUP BY 1
$$;

-- Per product: stock, price, flags, all-time sales, its tax rate (name and
-- percentage: a rate's edit fans out to its products). With p_sales false the
-- sales columns are NULL: a batch keeps them by delta instead of re-summing
-- every order line of the product.
CREATE FUNCTION read_def.inventory_status(p_ids bigint[], p_sales boolean)
RETURNS TABLE (
    product_id bigint, sku text, name text, description text, price_cents bigint, active boolean,
    version integer, on_hand integer, reserved integer, available integer, low_stock_threshold integer,
    is_low boolean, units_sold bigint, revenue_cents bigint, search_text text, updated_at timestamptz,
    tax_rate_id bigint, tax_rate_name text, tax_rate_ppm integer)
LANGUAGE sql STABLE AS $$
    SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.active, p.version,
           i.on_hand, i.reserved, i.on_hand - i.reserved, i.low_stock_threshold,
           (i.on_hand - i.reserved) <= i.low_stock_threshold,
           CASE WHEN p_sales THEN coalesce(s.units, 0) END,
           CASE WHEN p_sales THEN coalesce(s.revenue_cents, 0) END,
           lower(p.sku || ' ' || p.name),
           greatest(p.updated_at, i.updated_at),
           r.id, r.name, r.rate_ppm
    FROM products p
    JOIN inventory i ON i.product_id = p.id
    JOIN tax_rates r ON r.id = p.tax_rate_id
    LEFT JOIN (SELECT * FROM read_def.product_sales_totals(true) WHERE p_sales) s ON s.product_id = p.id
    WHERE p_ids IS NULL OR p.id = ANY (p_ids)
$$;

-- Per customer: details, address book (defaults marked) and order statistics
-- (cancelled orders excluded from the count and the first/last order). The
-- lifetime value is what the customer paid, net of refunds, on every order. With p_stats false the statistics are NULL: a batch keeps them by delta
-- (read_model_changes) instead of re-reading every order of the customer.
CREATE FUNCTION read_def.customer_stats(p_ids bigint[], p_stats boolean)
RETURNS TABLE (
    customer_id bigint, name text, email text, phone text, version integer, created_at timestamptz,
    order_count bigint, lifetime_value_cents bigint, first_order_at timestamptz,
    last_order_at timestamptz, search_text text, addresses jsonb)
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.name, c.email, c.phone, c.version, c.created_at,
           CASE WHEN p_stats THEN coalesce(s.orders, 0)::bigint END,
           CASE WHEN p_stats THEN coalesce(s.net_paid_cents, 0)::bigint END,
           s.first_order_at, s.last_order_at,
           -- The customer's notes (not removed) are searchable from the list.
           lower(c.name || ' ' || c.email || coalesce(' ' || n.bodies, '')),
           coalesce((
               SELECT jsonb_agg(jsonb_build_object(
                          'id', a.id, 'label', a.label, 'version', a.version,
                          'default_shipping',
                              a.id IS NOT DISTINCT FROM c.default_shipping_address_id,
                          'default_billing',
                              a.id IS NOT DISTINCT FROM c.default_billing_address_id,
                          'name', a.name, 'company', a.company, 'line1', a.line1,
                          'line2', a.line2, 'city', a.city, 'region', a.region,
                          'postal_code', a.postal_code, 'country', a.country,
                          'phone', a.phone) ORDER BY a.id)
               FROM customer_addresses a WHERE a.customer_id = c.id), '[]'::jsonb)
    FROM customers c
    LEFT JOIN (
        SELECT o.customer_id,
               count(*) FILTER (WHERE o.fulfilment_status <> 'cancelled') AS orders,
               sum(o.paid_cents - o.refunded_cents) AS net_paid_cents,
               min(o.placed_at) FILTER (WHERE o.fulfilment_status <> 'cancelled') AS first_order_at,
               max(o.placed_at) FILTER (WHERE o.fulfilment_status <> 'cancelled') AS last_order_at
        FROM orders o
        WHERE p_stats AND (p_ids IS NULL OR o.customer_id = ANY (p_ids))
        GROUP BY o.customer_id
    ) s ON s.customer_id = c.id
    LEFT JOIN read_def.note_bodies('{}', p_ids) n ON n.customer_id = c.id
    WHERE p_ids IS NULL OR c.id = ANY (p_ids)
$$;

-- The stock ledger: one row per stock movement, as the product page lists it.
-- Kept by key: the movements of the orders p_orders (reservations, releases,
-- shipments: their events are the order's) and, of the products p_products,
-- the movements without an order (receipts, adjustments: the product's
-- events). Both NULL: every movement. A command that writes a movement
-- appends its event on the movement's order, or on its product when it has
-- no order, so the batch of that event recomputes the row.
CREATE FUNCTION read_def.stock_ledger(p_orders bigint[], p_products bigint[])
RETURNS TABLE (
    id bigint, product_id bigint, kind text, quantity integer, reason text, order_id bigint,
    actor text, occurred_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT m.id, m.product_id, m.kind, m.quantity, m.reason, m.order_id, m.actor, m.occurred_at
    FROM stock_movements m
    WHERE (p_orders IS NULL AND p_products IS NULL)
       OR m.order_id = ANY (p_orders)
       OR (m.order_id IS NULL AND m.product_id = ANY (p_products))
$$;

-- Every tax rate (p_ids NULL) or those of p_ids: the admin's list and the
-- product form's choice (the active ones).
CREATE FUNCTION read_def.tax_rates(p_ids bigint[])
RETURNS TABLE (
    id bigint, name text, rate_ppm integer, active boolean, version integer, updated_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT r.id, r.name, r.rate_ppm, r.active, r.version, r.updated_at
    FROM tax_rates r
    WHERE p_ids IS NULL OR r.id = ANY (p_ids)
$$;

-- The shop's settings: one row.
CREATE FUNCTION read_def.shop_settings()
RETURNS TABLE (
    id boolean, prices_include_tax boolean, tax_id text, ship_on_account boolean,
    invoice_on_payment boolean, default_tax_rate_id bigint, version integer, updated_at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT s.id, s.prices_include_tax, s.tax_id, s.ship_on_account, s.invoice_on_payment,
           s.default_tax_rate_id, s.version, s.updated_at
    FROM shop_settings s
$$;

-- Which keys an event touches. A rename fans out to the orders that show the
-- name; a rate's edit to the products that have it.
CREATE FUNCTION read_def.event_keys(p_aggregate_type text, p_event_type text)
RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
    SELECT m.kind
    FROM (VALUES ('order', NULL, 'order'),
                 ('customer', NULL, 'customer'),
                 ('customer', 'customer_updated', 'customer_orders'),
                 ('product', NULL, 'product'),
                 ('product', 'product_updated', 'product_orders'),
                 ('tax_rate', NULL, 'tax_rate'),
                 ('tax_rate', 'tax_rate_updated', 'tax_rate_products'),
                 ('shop', NULL, 'shop')) AS m (aggregate_type, event_type, kind)
    WHERE m.aggregate_type = p_aggregate_type
      AND (m.event_type IS NULL OR m.event_type = p_event_type)
$$;

-- The shop's day now (transaction time), in its time zone.
CREATE FUNCTION read_def.shop_today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT (now() AT TIME ZONE time_zone)::date FROM read_model_state
$$;

CREATE FUNCTION read_def.product_sales_30d(p_day date)
RETURNS TABLE (product_id bigint, units bigint, revenue_cents bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.product_id, sum(s.units)::bigint, sum(s.revenue_cents)::bigint
    FROM read.product_sales_daily s
    WHERE s.day BETWEEN p_day - 29 AND p_day
    GROUP BY s.product_id
    HAVING sum(s.units) <> 0 OR sum(s.revenue_cents) <> 0
$$;

-- Timestamps inside the JSON are written in UTC whatever the session's
-- TimeZone, so the maintainer and verify always produce the same text.
CREATE FUNCTION read_def.dashboard(p_day date)
RETURNS TABLE (
    day date, time_zone text, today_orders bigint, today_revenue_cents bigint,
    week_orders bigint, week_revenue_cents bigint, month_orders bigint, month_revenue_cents bigint,
    daily jsonb, status_counts jsonb, top_products jsonb, low_stock jsonb, low_stock_count bigint,
    recent_orders jsonb, awaiting_payment_orders bigint, awaiting_payment_cents bigint,
    to_ship_orders bigint, ships_on_account boolean)
LANGUAGE sql STABLE AS $$
    WITH on_account AS (
        SELECT coalesce((SELECT ship_on_account FROM shop_settings LIMIT 1), false) AS yes
    ), days AS (
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
           (SELECT jsonb_agg(jsonb_build_object(
                       'fulfilment_status', s.fulfilment_status, 'orders', coalesce(c.orders, 0))
                       ORDER BY s.n)
            FROM unnest(ARRAY['unfulfilled', 'shipped', 'delivered', 'cancelled'])
                 WITH ORDINALITY AS s (fulfilment_status, n)
            LEFT JOIN read.order_status_counts c ON c.fulfilment_status = s.fulfilment_status),
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
                       'customer_email', o.customer_email,
                       'fulfilment_status', o.fulfilment_status, 'payment_status', o.payment_status,
                       'item_count', o.item_count, 'total_cents', o.total_cents,
                       'placed_at', to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                       ORDER BY o.placed_at DESC, o.id DESC), '[]')
            FROM (SELECT * FROM read.order_summaries ORDER BY placed_at DESC, id DESC LIMIT 10) o),
           -- Awaiting payment: orders not cancelled with a balance due, and the sum due.
           (SELECT coalesce(sum(due_orders), 0) FROM read.order_status_counts
            WHERE fulfilment_status <> 'cancelled')::bigint,
           (SELECT coalesce(sum(due_cents), 0) FROM read.order_status_counts
            WHERE fulfilment_status <> 'cancelled')::bigint,
           -- To ship: unfulfilled orders with nothing due (payment state paid
           -- or overpaid), or every unfulfilled one when the shop ships on
           -- account (its setting; a change of it moves this row).
           (SELECT coalesce(sum(CASE WHEN a.yes THEN orders ELSE orders - due_orders END), 0)
            FROM read.order_status_counts, on_account a
            WHERE fulfilment_status = 'unfulfilled')::bigint,
           (SELECT yes FROM on_account)
$$;

-- The day the dashboard (and the 30-day window) stands at: the stored one,
-- or the shop's today before the first batch.
CREATE FUNCTION read_def.dashboard_day() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT max(day) FROM read.dashboard), read_def.shop_today())
$$;

-- The maintainer (orderdesk_app) and a refresh or rebuild (orderdesk_read_owner) call them.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA read_def TO orderdesk_app, orderdesk_read_owner;

-- A fresh database (migrations/…_read_side made the live models empty): the
-- models that have rows over empty write tables start from their definitions,
-- as a rebuild would make them: one count per fulfilment state, and the
-- dashboard's one row for the shop's today. The maintainer keeps them from
-- then on, so on a database with data these find their rows and do nothing
-- (migration 000140 empties both so they are made again here).
-- Guarded by the fulfilment migration's column: the baseline's schema test
-- applies this file to a database made by the baseline alone, whose write
-- tables these definitions do not fit (and it reads the schema, not rows).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'read.order_status_counts'::regclass
                 AND attname = 'fulfilment_status') THEN
        INSERT INTO read.order_status_counts
        SELECT * FROM read_def.order_status_counts(true)
        WHERE NOT EXISTS (SELECT 1 FROM read.order_status_counts);
        INSERT INTO read.dashboard
        SELECT * FROM read_def.dashboard(read_def.shop_today())
        WHERE NOT EXISTS (SELECT 1 FROM read.dashboard);
    END IF;
END
$$;
