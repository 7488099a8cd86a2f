-- The stock ledger's rows of the orders $1 and, of the products $2, those
-- without an order, fresh from the definition; only rows that differ are
-- removed and written (a row is replaced whole, compared by id first). A row
-- whose id the definition yields is in scope whatever its stored order or
-- product, so a drifted row is replaced rather than met by the unique index.
-- The scope is a union of index look-ups (stock_ledger_order,
-- stock_ledger_unordered), deleted from by id as one array (an index
-- look-up per id): one OR over the three, or a join with the scope, made
-- the planner scan the whole ledger (1.2M rows: 130-350 ms a batch).
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.stock_ledger($1, $2)
), scope AS (
    SELECT t.id FROM read.stock_ledger t WHERE t.order_id = ANY ($1)
    UNION
    SELECT t.id FROM read.stock_ledger t WHERE t.order_id IS NULL AND t.product_id = ANY ($2)
    UNION
    SELECT f.id FROM fresh f
), gone AS (
    DELETE FROM read.stock_ledger t
    WHERE t.id = ANY ((SELECT array_agg(s.id) FROM scope s)::bigint[])
      AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.id = t.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
), added AS (
    INSERT INTO read.stock_ledger
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.stock_ledger t
                      WHERE t.id = f.id AND ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
