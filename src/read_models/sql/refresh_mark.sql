-- What a refresh will include: the transaction's snapshot (taken by this,
-- its first read) and the last event id it can see.
SELECT pg_current_snapshot()::text AS snapshot, coalesce(max(id), 0) AS watermark FROM events
