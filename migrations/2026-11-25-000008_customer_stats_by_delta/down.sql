DROP FUNCTION read_def.customer_stats(bigint[], boolean);
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

