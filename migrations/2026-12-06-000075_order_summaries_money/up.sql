-- The order's stored money on the read side (issue 24): order_summaries
-- shows what the order stored when it was priced (migration 000070) and
-- feeds net sales (Σ its lines' net: after discounts, before tax and
-- shipping) to the additive models through read_model_changes. The
-- definitions are read_def's (replaceable); this adds the columns and fills
-- them for the orders already summarised. `total_cents` now holds the grand
-- total. Revenue in daily_sales, product_sales_* and customer_stats becomes
-- net sales; for every order priced before this migration without discounts
-- and at prices excluding tax (all orders placed through the app so far:
-- the form offered no discount) net sales equal the lines' subtotal the
-- models added up, so they stay exact. A shop that switched to prices
-- including tax in between runs `orderdesk refresh --rebuild` (verify says so).
ALTER TABLE read.order_summaries
    ADD COLUMN net_sales_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN discount_total_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN shipping_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN tax_total_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN money jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE read.order_summaries
    ALTER COLUMN net_sales_cents DROP DEFAULT,
    ALTER COLUMN discount_total_cents DROP DEFAULT,
    ALTER COLUMN shipping_cents DROP DEFAULT,
    ALTER COLUMN tax_total_cents DROP DEFAULT,
    ALTER COLUMN money DROP DEFAULT;
ALTER TABLE read_model_changes ADD COLUMN net_sales_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE read_model_changes ALTER COLUMN net_sales_cents DROP DEFAULT;

-- Filled under the maintainer's lock (as migration 000030).
SELECT pg_advisory_xact_lock(22311621758635604);
UPDATE read.order_summaries s
SET total_cents = o.grand_total_cents,
    net_sales_cents = coalesce(l.net_sales_cents, 0),
    discount_total_cents = o.discount_total_cents,
    shipping_cents = o.shipping_cents,
    tax_total_cents = o.tax_total_cents,
    lines = coalesce(l.lines, '[]'::jsonb),
    money = jsonb_build_object(
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
        'taxes', coalesce(x.taxes, '[]'::jsonb))
FROM orders o
LEFT JOIN (
    SELECT ol.order_id,
           sum(ol.net_cents) AS net_sales_cents,
           jsonb_agg(jsonb_build_object(
               'line_no', ol.line_no, 'product_id', p.id, 'sku', p.sku, 'name', p.name,
               'quantity', ol.quantity, 'unit_price_cents', ol.unit_price_cents,
               'line_total_cents', ol.subtotal_cents, 'tax_rate_ppm', ol.tax_rate_ppm,
               'discount_kind', ol.discount_kind, 'discount_value', ol.discount_value,
               'line_discount_cents', ol.line_discount_cents,
               'order_discount_cents', ol.order_discount_cents, 'net_cents', ol.net_cents,
               'tax_cents', ol.tax_cents, 'total_cents', ol.total_cents) ORDER BY ol.line_no) AS lines
    FROM order_lines ol
    JOIN products p ON p.id = ol.product_id
    GROUP BY ol.order_id
) l ON l.order_id = o.id
LEFT JOIN (
    SELECT t.order_id,
           jsonb_agg(jsonb_build_object(
               'rate_ppm', t.rate_ppm, 'net_cents', t.net_cents, 'tax_cents', t.tax_cents,
               'gross_cents', t.gross_cents) ORDER BY t.rate_ppm) AS taxes
    FROM order_taxes t
    GROUP BY t.order_id
) x ON x.order_id = o.id
WHERE s.id = o.id;
