-- The dashboard's row (unless the caller holds its version, $3) with its
-- version and freshness. The version is the row's xmin: every write of the
-- row, by the maintainer, a rebuild or a repair, gives it a new one. The row
-- is read whole (and detoasted) only when it is to be sent.
SELECT d.version,
       CASE WHEN d.version IS DISTINCT FROM $3 THEN
           (SELECT to_jsonb(x) FROM read.dashboard x ORDER BY x.day DESC LIMIT 1)
       END AS dashboard,
       f.as_of, f.pending, f.generation
FROM (SELECT 1) one
LEFT JOIN LATERAL (
    SELECT x.xmin::text::bigint AS version
    FROM read.dashboard x ORDER BY x.day DESC LIMIT 1
) d ON true
LEFT JOIN read.page_freshness($2, $1) f ON true
