-- The indexes of table read.$1, by name, with their definitions.
SELECT indexname::text AS name, indexdef AS definition FROM pg_indexes
WHERE schemaname = 'read' AND tablename = $1 ORDER BY indexname
