-- The shop's settings row (one, whatever its key), replaced when it differs
-- from its definition.
WITH fresh AS MATERIALIZED (
    SELECT * FROM read_def.shop_settings()
), gone AS (
    DELETE FROM read.shop_settings t
    WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
), added AS (
    INSERT INTO read.shop_settings
    SELECT f.* FROM fresh f
    WHERE NOT EXISTS (SELECT 1 FROM read.shop_settings t WHERE ROW(f.*) IS NOT DISTINCT FROM ROW(t.*))
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) AS n
