ALTER TABLE read.customer_stats DROP COLUMN addresses;
ALTER TABLE read.order_summaries DROP COLUMN billing, DROP COLUMN shipping;

-- Structured addresses back to text, one line per part, as the pages print them.
ALTER TABLE orders ADD COLUMN shipping_address text;
UPDATE orders o
SET shipping_address = CASE WHEN a.structured THEN
        concat_ws(E'\n', a.name, nullif(a.company, ''), a.line1, nullif(a.line2, ''),
                  nullif(concat_ws(' ', nullif(a.city, ''), nullif(a.region, ''),
                                   nullif(a.postal_code, '')), ''),
                  a.country)
    ELSE a.line1 END
FROM order_addresses a
WHERE a.order_id = o.id AND a.role = 'shipping';
ALTER TABLE orders
    ALTER COLUMN shipping_address SET NOT NULL,
    ADD CONSTRAINT orders_shipping_address_check
        CHECK (length(btrim(shipping_address)) BETWEEN 1 AND 1000);
DROP TABLE order_addresses;

ALTER TABLE customers
    DROP CONSTRAINT customers_default_billing_fkey,
    DROP CONSTRAINT customers_default_shipping_fkey,
    DROP COLUMN default_billing_address_id,
    DROP COLUMN default_shipping_address_id;
DROP TABLE customer_addresses;
