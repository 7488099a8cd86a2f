-- Orders per status move by the batch's signed order rows.
WITH changed AS (
    UPDATE read.order_status_counts t
    SET orders = t.orders + d.orders
    FROM read_def.order_status_counts(false) d
    WHERE t.status = d.status AND d.orders <> 0
    RETURNING 1
)
SELECT count(*) AS n FROM changed
