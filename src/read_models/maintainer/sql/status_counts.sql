-- Orders per fulfilment state, and those with a balance due and the sum due, move by
-- the batch's signed order rows.
WITH changed AS (
    UPDATE read.order_status_counts t
    SET orders = t.orders + d.orders,
        due_orders = t.due_orders + d.due_orders,
        due_cents = t.due_cents + d.due_cents
    FROM read_def.order_status_counts(false) d
    WHERE t.fulfilment_status = d.fulfilment_status AND (d.orders <> 0 OR d.due_orders <> 0 OR d.due_cents <> 0)
    RETURNING 1
)
SELECT count(*) AS n FROM changed
