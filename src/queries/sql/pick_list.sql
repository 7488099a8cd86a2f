-- The pick list: every paid (so not yet shipped) order's lines, summed per
-- product, with the orders each product goes to. Reads only the read model.
SELECT (l ->> 'product_id')::bigint                          AS product_id,
       l ->> 'sku'                                           AS sku,
       l ->> 'name'                                          AS name,
       sum((l ->> 'quantity')::int)::bigint                  AS quantity,
       array_agg(o.id ORDER BY o.id)                         AS order_ids,
       array_agg((l ->> 'quantity')::int ORDER BY o.id)      AS quantities
FROM read.order_summaries o
CROSS JOIN LATERAL jsonb_array_elements(o.lines) AS l
WHERE o.status = 'paid'
GROUP BY 1, 2, 3
ORDER BY sku, product_id
