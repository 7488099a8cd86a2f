-- The dashboard's one row for the shop day $1, from its definition, written
-- only if it differs from the stored one (the old day's row goes).
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.dashboard($1)
), gone AS (
    DELETE FROM read.dashboard t
    WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
), added AS (
    INSERT INTO read.dashboard
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.dashboard t WHERE ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
