-- Recomputes the customers $1 from their definition; only differing rows
-- change. For customers who lost a counted order (see customer_deltas.sql).
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.customer_stats($1, true)
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
