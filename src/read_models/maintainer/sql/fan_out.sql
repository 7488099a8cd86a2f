-- A renamed customer or product shows in its orders, an edited tax rate on
-- its products: queue each of them (under the edit's transaction), so they
-- are recomputed in bounded batches.
WITH renamed AS (
    DELETE FROM read_model_queue
    WHERE kind IN ('customer_orders', 'product_orders', 'tax_rate_products')
    RETURNING kind, key, txid
), fanned AS (
    INSERT INTO read_model_queue (kind, key, txid)
    SELECT 'order', o.id, r.txid
    FROM renamed r JOIN orders o ON o.customer_id = r.key
    WHERE r.kind = 'customer_orders'
    UNION ALL
    SELECT 'order', ol.order_id, r.txid
    FROM renamed r JOIN order_lines ol ON ol.product_id = r.key
    WHERE r.kind = 'product_orders'
    UNION ALL
    SELECT 'product', p.id, r.txid
    FROM renamed r JOIN products p ON p.tax_rate_id = r.key
    WHERE r.kind = 'tax_rate_products'
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*) AS n FROM fanned
