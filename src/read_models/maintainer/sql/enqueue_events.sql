-- The events committed since the stored snapshot ($1), as keys to recompute.
-- Each event's transaction is visible to this batch's snapshot (it is in
-- `events` for us) but not to the stored one: exactly once, whatever the
-- order in which transactions committed.
WITH new_events AS (
    SELECT e.txid, e.aggregate_type, e.aggregate_id, e.event_type
    FROM events e
    WHERE e.txid >= pg_snapshot_xmin($1::pg_snapshot)
      AND NOT pg_visible_in_snapshot(e.txid, $1::pg_snapshot)
), queued AS (
    INSERT INTO read_model_queue (kind, key, txid)
    SELECT k.kind, n.aggregate_id, n.txid
    FROM new_events n
    CROSS JOIN LATERAL read_def.event_keys(n.aggregate_type, n.event_type) AS k (kind)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM new_events) AS events, (SELECT count(*) FROM queued) AS keys
