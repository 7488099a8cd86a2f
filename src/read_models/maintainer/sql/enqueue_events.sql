-- The events committed since the stored snapshot ($1), as keys to recompute.
-- Each event's transaction is visible to this batch's snapshot (it is in
-- `events` for us) but not to the stored one: exactly once, whatever the
-- order in which transactions committed.
--
-- An order's page shows its customer's name and email and its products'
-- names, so an edit of a customer or product fans out to every order it
-- has ('customer_orders', 'product_orders'; see fan_out.sql), but only when
-- it changed what orders show: its name (and a customer's email) differ
-- from those of the aggregate's previous registration or edit event. A
-- repricing or a new threshold touches the product's own rows, never its
-- orders (a product in 700 orders, 2,000 repriced by an import: 1.4M keys
-- saved). Edits of one customer or product are serialized by its row lock,
-- so the previous event by id is the one the edit followed.
WITH new_events AS (
    SELECT e.id, e.txid, e.aggregate_type, e.aggregate_id, e.event_type, e.payload
    FROM events e
    WHERE e.txid >= pg_snapshot_xmin($1::pg_snapshot)
      AND NOT pg_visible_in_snapshot(e.txid, $1::pg_snapshot)
), queued AS (
    INSERT INTO read_model_queue (kind, key, txid)
    SELECT k.kind, n.aggregate_id, n.txid
    FROM new_events n
    CROSS JOIN LATERAL read_def.event_keys(n.aggregate_type, n.event_type) AS k (kind)
    WHERE k.kind NOT IN ('customer_orders', 'product_orders')
       OR NOT EXISTS (
              SELECT 1
              FROM (SELECT prev.payload
                    FROM events prev
                    WHERE prev.aggregate_type = n.aggregate_type
                      AND prev.aggregate_id = n.aggregate_id
                      AND prev.id < n.id
                      AND prev.event_type IN ('customer_registered', 'customer_updated',
                                              'product_created', 'product_updated')
                    ORDER BY prev.id DESC
                    LIMIT 1) p
              WHERE p.payload->'name' IS NOT DISTINCT FROM n.payload->'name'
                AND p.payload->'email' IS NOT DISTINCT FROM n.payload->'email')
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM new_events) AS events, (SELECT count(*) FROM queued) AS keys
