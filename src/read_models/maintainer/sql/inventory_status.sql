-- The products $1 (stock, price, names), fresh from their definition,
-- keeping the all-time sales columns, which move by delta (sales_totals.sql):
-- re-summing a product's whole history per batch would cost what the shop
-- has sold, not what changed.
SELECT d.product_id, d.sku, d.name, d.description, d.price_cents, d.active, d.version,
       d.on_hand, d.reserved, d.available, d.low_stock_threshold, d.is_low,
       coalesce(cur.units_sold, 0)::bigint AS units_sold,
       coalesce(cur.revenue_cents, 0)::bigint AS revenue_cents,
       d.search_text, d.updated_at, d.tax_rate_id, d.tax_rate_name, d.tax_rate_ppm
FROM read_def.inventory_status($1, false) d
LEFT JOIN read.inventory_status cur ON cur.product_id = d.product_id
