-- The customers and products whose rows an order's change touches
-- (order counts and values; reserved stock). The products are those of the
-- order's lines and of its stock movements: a line an edit removed is no
-- longer in order_lines, but its release names the product whose reserved
-- stock moved.
SELECT coalesce((SELECT array_agg(DISTINCT customer_id) FROM orders WHERE id = ANY ($1)), '{}') AS customers,
       coalesce((SELECT array_agg(DISTINCT p.product_id)
                 FROM (SELECT product_id FROM order_lines WHERE order_id = ANY ($1)
                       UNION
                       SELECT product_id FROM stock_movements WHERE order_id = ANY ($1)) p), '{}') AS products
