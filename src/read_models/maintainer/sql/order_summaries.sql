-- Recomputes the orders $1 from their definition. Only rows that differ are
-- replaced; each replaced row (-1) and its replacement (+1) is kept in
-- read_model_changes, the source of the additive models' deltas.
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.order_summaries($1)
), gone AS (
    DELETE FROM read.order_summaries t
    WHERE t.id = ANY ($1)
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.id = t.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING t.*
), added AS (
    INSERT INTO read.order_summaries
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.order_summaries t
                      WHERE t.id = f.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING *
), captured AS (
    INSERT INTO read_model_changes
        (sign, id, customer_id, status, placed_at, line_count, item_count, total_cents, lines)
    SELECT -1, id, customer_id, status, placed_at, line_count, item_count, total_cents, lines FROM gone
    UNION ALL
    SELECT 1, id, customer_id, status, placed_at, line_count, item_count, total_cents, lines FROM added
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
