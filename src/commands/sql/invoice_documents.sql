-- The frozen copy of what an invoice of each order $1 (bigint[]) says, with
-- its amounts: the shop ($2 name, $3 address lines, the tax id of its
-- settings), the customer, both addresses as the order keeps them, the lines
-- with the product's SKU and name as they are now, and the order's stored
-- money (`money`, the shape read.order_summaries uses). Nothing is computed:
-- every figure is the one the order stored when it was priced.
SELECT o.id AS order_id,
       o.net_total_cents AS net_cents,
       o.tax_total_cents AS tax_cents,
       o.shipping_cents,
       o.grand_total_cents,
       jsonb_build_object(
           'order_id', o.id,
           'placed_at', to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'shop', jsonb_build_object('name', $2::text, 'address_lines', to_jsonb($3::text[]),
                                      'tax_id', (SELECT s.tax_id FROM shop_settings s)),
           'customer', jsonb_build_object('name', c.name, 'email', c.email),
           'shipping', CASE WHEN sa.structured THEN jsonb_build_object(
               'name', sa.name, 'company', sa.company, 'line1', sa.line1, 'line2', sa.line2,
               'city', sa.city, 'region', sa.region, 'postal_code', sa.postal_code,
               'country', sa.country, 'phone', sa.phone) END,
           'shipping_text', CASE WHEN NOT sa.structured THEN sa.line1 END,
           'billing', CASE WHEN ba.structured THEN jsonb_build_object(
               'name', ba.name, 'company', ba.company, 'line1', ba.line1, 'line2', ba.line2,
               'city', ba.city, 'region', ba.region, 'postal_code', ba.postal_code,
               'country', ba.country, 'phone', ba.phone) END,
           'billing_text', CASE WHEN NOT ba.structured THEN ba.line1 END,
           'lines', coalesce((
               SELECT jsonb_agg(jsonb_build_object(
                          'line_no', ol.line_no, 'product_id', p.id, 'sku', p.sku, 'name', p.name,
                          'quantity', ol.quantity, 'unit_price_cents', ol.unit_price_cents,
                          'line_total_cents', ol.subtotal_cents, 'tax_rate_ppm', ol.tax_rate_ppm,
                          'discount_kind', ol.discount_kind, 'discount_value', ol.discount_value,
                          'line_discount_cents', ol.line_discount_cents,
                          'order_discount_cents', ol.order_discount_cents,
                          'net_cents', ol.net_cents, 'tax_cents', ol.tax_cents,
                          'total_cents', ol.total_cents) ORDER BY ol.line_no)
               FROM order_lines ol JOIN products p ON p.id = ol.product_id
               WHERE ol.order_id = o.id), '[]'::jsonb),
           'money', jsonb_build_object(
               'pricing', o.pricing, 'subtotal_cents', o.subtotal_cents,
               'line_discounts_cents', o.line_discounts_cents,
               'discount_kind', o.discount_kind, 'discount_value', o.discount_value,
               'order_discount_cents', o.order_discount_cents,
               'discount_total_cents', o.discount_total_cents,
               'shipping_cents', o.shipping_cents, 'shipping_waived', o.shipping_waived,
               'shipping_tax_rate_ppm', o.shipping_tax_rate_ppm,
               'shipping_net_cents', o.shipping_net_cents, 'shipping_tax_cents', o.shipping_tax_cents,
               'net_total_cents', o.net_total_cents, 'tax_total_cents', o.tax_total_cents,
               'grand_total_cents', o.grand_total_cents,
               'taxes', coalesce((
                   SELECT jsonb_agg(jsonb_build_object(
                              'rate_ppm', t.rate_ppm, 'net_cents', t.net_cents,
                              'tax_cents', t.tax_cents, 'gross_cents', t.gross_cents)
                              ORDER BY t.rate_ppm)
                   FROM order_taxes t WHERE t.order_id = o.id), '[]'::jsonb))
       ) AS document
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN order_addresses sa ON sa.order_id = o.id AND sa.role = 'shipping'
LEFT JOIN order_addresses ba ON ba.order_id = o.id AND ba.role = 'billing'
WHERE o.id = ANY ($1::bigint[])
