-- The pick list: the lines of every order to ship, summed per product, with
-- the orders each product goes to. To ship: unfulfilled with nothing due, or
-- any unfulfilled one when the shop ships on account ($1, its setting), as
-- the dashboard's "to ship" counts them. Reads only the read model.
SELECT (l ->> 'product_id')::bigint                          AS product_id,
       l ->> 'sku'                                           AS sku,
       l ->> 'name'                                          AS name,
       sum((l ->> 'quantity')::int)::bigint                  AS quantity,
       array_agg(o.id ORDER BY o.id)                         AS order_ids,
       array_agg((l ->> 'quantity')::int ORDER BY o.id)      AS quantities
FROM read.order_summaries o
CROSS JOIN LATERAL jsonb_array_elements(o.lines) AS l
WHERE o.fulfilment_status = 'unfulfilled' AND (o.balance_due_cents = 0 OR $1)
GROUP BY 1, 2, 3
ORDER BY sku, product_id
