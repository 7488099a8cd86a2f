DROP TABLE order_taxes;
ALTER TABLE orders
    DROP COLUMN pricing, DROP COLUMN discount_kind, DROP COLUMN discount_value,
    DROP COLUMN subtotal_cents, DROP COLUMN line_discounts_cents, DROP COLUMN order_discount_cents,
    DROP COLUMN discount_total_cents, DROP COLUMN shipping_cents, DROP COLUMN shipping_waived,
    DROP COLUMN shipping_tax_rate_id, DROP COLUMN shipping_tax_rate_ppm, DROP COLUMN shipping_net_cents,
    DROP COLUMN shipping_tax_cents, DROP COLUMN net_total_cents, DROP COLUMN tax_total_cents,
    DROP COLUMN grand_total_cents;
ALTER TABLE order_lines
    DROP COLUMN tax_rate_id, DROP COLUMN tax_rate_ppm, DROP COLUMN discount_kind,
    DROP COLUMN discount_value, DROP COLUMN subtotal_cents, DROP COLUMN line_discount_cents,
    DROP COLUMN order_discount_cents, DROP COLUMN net_cents, DROP COLUMN tax_cents,
    DROP COLUMN total_cents;
