-- The details of the customers $1 (registered or renamed), fresh from their
-- definition, keeping the order statistics, which move by delta
-- (customer_deltas.sql).
SELECT d.customer_id, d.name, d.email, d.phone, d.version, d.created_at,
       coalesce(cur.order_count, 0)::bigint AS order_count,
       coalesce(cur.lifetime_value_cents, 0)::bigint AS lifetime_value_cents,
       cur.first_order_at, cur.last_order_at, d.search_text, d.addresses
FROM read_def.customer_stats($1, false) d
LEFT JOIN read.customer_stats cur ON cur.customer_id = d.customer_id
