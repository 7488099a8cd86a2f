-- The customers $1, fresh from their definition (for customers who lost a
-- counted order, see customer_deltas.sql).
SELECT * FROM read_def.customer_stats($1, true)
