-- A batch that started at $1 and took $2 ms changed $4[i] rows of live
-- model $3[i] (a model whose rows changed gets a new generation: pages'
-- ETags hold it).
UPDATE read_model_live l
SET last_batch_at = $1, last_batch_ms = $2, last_rows_changed = c.n,
    rows_changed = l.rows_changed + c.n, last_error = NULL,
    generation = l.generation + (c.n > 0)::int
FROM unnest($3::text[], $4::bigint[]) AS c (name, n)
WHERE l.name = c.name
