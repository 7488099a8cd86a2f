-- The customers and products whose rows an order's change touches
-- (order counts and values; reserved stock).
SELECT coalesce((SELECT array_agg(DISTINCT customer_id) FROM orders WHERE id = ANY ($1)), '{}') AS customers,
       coalesce((SELECT array_agg(DISTINCT product_id) FROM order_lines WHERE order_id = ANY ($1)), '{}') AS products
