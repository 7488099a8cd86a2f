-- The stock ledger's rows of the orders $1 and, of the products $2, those
-- without an order, fresh from the definition; only rows that differ are
-- removed and written (a row is replaced whole, compared by id first). A row
-- whose id the definition yields is in scope whatever its stored order or
-- product, so a drifted row is replaced rather than met by the unique index.
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.stock_ledger($1, $2)
), gone AS (
    DELETE FROM read.stock_ledger t
    WHERE (t.order_id = ANY ($1)
           OR (t.order_id IS NULL AND t.product_id = ANY ($2))
           OR t.id IN (SELECT f.id FROM fresh f))
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
