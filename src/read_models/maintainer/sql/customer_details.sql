-- Recomputes the details of the customers $1 (registered or renamed) from
-- their definition, keeping the order statistics, which move by delta
-- (customer_deltas.sql).
WITH fresh AS MATERIALIZED (
    SELECT d.customer_id, d.name, d.email, d.phone, d.version, d.created_at,
           coalesce(cur.order_count, 0)::bigint AS order_count,
           coalesce(cur.lifetime_value_cents, 0)::bigint AS lifetime_value_cents,
           cur.first_order_at, cur.last_order_at, d.search_text
    FROM read_def.customer_stats($1, false) d
    LEFT JOIN read.customer_stats cur ON cur.customer_id = d.customer_id
), gone AS (
    DELETE FROM read.customer_stats t
    WHERE t.customer_id = ANY ($1)
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.customer_id = t.customer_id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
), added AS (
    INSERT INTO read.customer_stats
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.customer_stats t
                      WHERE t.customer_id = f.customer_id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
