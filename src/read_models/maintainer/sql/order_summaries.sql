-- The orders $1, fresh from their definition.
SELECT * FROM read_def.order_summaries($1)
