-- The notes of the orders $1 and the customers $2, fresh from the
-- definition; only rows that differ are removed and written (a removed
-- note's row goes). The scope is a union of index look-ups (notes_order,
-- notes_customer) and the fresh ids, deleted from by id as one array, as the
-- stock ledger does (stock_ledger.sql).
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.notes($1, $2)
), scope AS (
    SELECT t.id FROM read.notes t WHERE t.order_id = ANY ($1)
    UNION
    SELECT t.id FROM read.notes t WHERE t.customer_id = ANY ($2)
    UNION
    SELECT f.id FROM fresh f
), gone AS (
    DELETE FROM read.notes t
    WHERE t.id = ANY ((SELECT array_agg(s.id) FROM scope s)::bigint[])
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.id = t.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
), added AS (
    INSERT INTO read.notes
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.notes t
                      WHERE t.id = f.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
