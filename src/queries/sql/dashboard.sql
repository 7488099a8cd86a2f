-- The dashboard's row (unless the caller holds its version, $3) with its
-- version and freshness. The version is the row's xmin: every write of the
-- row, by the maintainer, a rebuild or a repair, gives it a new one.
SELECT d.version,
       CASE WHEN d.version IS DISTINCT FROM $3 THEN to_jsonb(d.rec) END AS dashboard,
       f.as_of, f.pending, f.last_batch_at AS changed_at
FROM (SELECT 1) one
LEFT JOIN LATERAL (
    SELECT x.xmin::text::bigint AS version, x AS rec
    FROM read.dashboard x ORDER BY x.day DESC LIMIT 1
) d ON true
LEFT JOIN read.live_model_status($1) f ON f.name = $2
