-- The order's money (issue 24): what domain::totals::Basket::totals computed
-- when the order was priced, stored once so no page recomputes it.
--
-- Every amount is an integer in the shop currency's minor unit, ≥ 0. A rate
-- is stored as the order was priced with it (rate_ppm, exact to a millionth
-- as domain::Percent holds it) beside the rate it came from: a rate's later
-- change never changes a placed order. Discounts are kept as entered (kind
-- and value: an amount in minor units, or a percentage in ppm) so an edit
-- form can show them again, and as computed (the amounts).
--
-- The figures' sums are CHECKed per row; the sums across rows (lines and tax
-- per rate against the order's totals) are the command's, tested by the
-- property tests of the domain function and by `verify`-style tests.
--
-- Existing orders were priced without tax, discount or shipping: each line's
-- subtotal, net and total are its quantity × unit price at rate 0 (the "Zero"
-- rate 000060 made), the order's totals their sum, with one tax row at 0 %.

ALTER TABLE order_lines
    ADD COLUMN tax_rate_id          bigint REFERENCES tax_rates (id),
    ADD COLUMN tax_rate_ppm         integer NOT NULL DEFAULT 0 CHECK (tax_rate_ppm BETWEEN 0 AND 1000000),
    ADD COLUMN discount_kind        text CHECK (discount_kind IN ('amount', 'percent')),
    ADD COLUMN discount_value       bigint,
    ADD COLUMN subtotal_cents       bigint NOT NULL DEFAULT 0,
    ADD COLUMN line_discount_cents  bigint NOT NULL DEFAULT 0 CHECK (line_discount_cents >= 0),
    ADD COLUMN order_discount_cents bigint NOT NULL DEFAULT 0 CHECK (order_discount_cents >= 0),
    ADD COLUMN net_cents            bigint NOT NULL DEFAULT 0 CHECK (net_cents >= 0),
    ADD COLUMN tax_cents            bigint NOT NULL DEFAULT 0 CHECK (tax_cents >= 0),
    ADD COLUMN total_cents          bigint NOT NULL DEFAULT 0 CHECK (total_cents >= 0);

UPDATE order_lines
SET tax_rate_id = (SELECT id FROM tax_rates WHERE name = 'Zero'),
    subtotal_cents = quantity * unit_price_cents,
    net_cents = quantity * unit_price_cents,
    total_cents = quantity * unit_price_cents;

ALTER TABLE order_lines
    ALTER COLUMN tax_rate_id SET NOT NULL,
    ALTER COLUMN subtotal_cents DROP DEFAULT,
    ALTER COLUMN net_cents DROP DEFAULT,
    ALTER COLUMN total_cents DROP DEFAULT,
    ADD CONSTRAINT order_lines_discount_entered CHECK (
        (discount_kind IS NULL AND discount_value IS NULL)
        OR (discount_kind = 'amount' AND discount_value >= 0)
        OR (discount_kind = 'percent' AND discount_value BETWEEN 0 AND 1000000)),
    ADD CONSTRAINT order_lines_subtotal CHECK (subtotal_cents = quantity * unit_price_cents),
    ADD CONSTRAINT order_lines_discounts_within CHECK (
        line_discount_cents + order_discount_cents <= subtotal_cents),
    ADD CONSTRAINT order_lines_total CHECK (total_cents = net_cents + tax_cents);

ALTER TABLE orders
    ADD COLUMN pricing                text NOT NULL DEFAULT 'tax_exclusive'
                                      CHECK (pricing IN ('tax_exclusive', 'tax_inclusive')),
    ADD COLUMN discount_kind          text CHECK (discount_kind IN ('amount', 'percent')),
    ADD COLUMN discount_value         bigint,
    ADD COLUMN subtotal_cents         bigint NOT NULL DEFAULT 0 CHECK (subtotal_cents >= 0),
    ADD COLUMN line_discounts_cents   bigint NOT NULL DEFAULT 0 CHECK (line_discounts_cents >= 0),
    ADD COLUMN order_discount_cents   bigint NOT NULL DEFAULT 0 CHECK (order_discount_cents >= 0),
    ADD COLUMN discount_total_cents   bigint NOT NULL DEFAULT 0,
    -- The shipping charge as entered (0 when none or waived), its rate, and
    -- what it came to.
    ADD COLUMN shipping_cents         bigint NOT NULL DEFAULT 0 CHECK (shipping_cents >= 0),
    ADD COLUMN shipping_waived        boolean NOT NULL DEFAULT false,
    ADD COLUMN shipping_tax_rate_id   bigint REFERENCES tax_rates (id),
    ADD COLUMN shipping_tax_rate_ppm  integer CHECK (shipping_tax_rate_ppm BETWEEN 0 AND 1000000),
    ADD COLUMN shipping_net_cents     bigint NOT NULL DEFAULT 0 CHECK (shipping_net_cents >= 0),
    ADD COLUMN shipping_tax_cents     bigint NOT NULL DEFAULT 0 CHECK (shipping_tax_cents >= 0),
    ADD COLUMN net_total_cents        bigint NOT NULL DEFAULT 0 CHECK (net_total_cents >= 0),
    ADD COLUMN tax_total_cents        bigint NOT NULL DEFAULT 0 CHECK (tax_total_cents >= 0),
    ADD COLUMN grand_total_cents      bigint NOT NULL DEFAULT 0 CHECK (grand_total_cents >= 0);

-- Each order's totals from its lines (a grouped pass, not a query per order).
UPDATE orders o
SET subtotal_cents = l.total, net_total_cents = l.total, grand_total_cents = l.total
FROM (SELECT order_id, sum(quantity * unit_price_cents) AS total
      FROM order_lines GROUP BY order_id) l
WHERE l.order_id = o.id;

ALTER TABLE orders
    ADD CONSTRAINT orders_discount_entered CHECK (
        (discount_kind IS NULL AND discount_value IS NULL)
        OR (discount_kind = 'amount' AND discount_value >= 0)
        OR (discount_kind = 'percent' AND discount_value BETWEEN 0 AND 1000000)),
    ADD CONSTRAINT orders_discount_total CHECK (
        discount_total_cents = line_discounts_cents + order_discount_cents),
    -- A shipping charge has its rate; no charge, no rate and no amounts.
    ADD CONSTRAINT orders_shipping_rate CHECK (
        (shipping_tax_rate_id IS NULL) = (shipping_tax_rate_ppm IS NULL)
        AND (shipping_tax_rate_id IS NOT NULL
             OR (shipping_cents = 0 AND NOT shipping_waived
                 AND shipping_net_cents = 0 AND shipping_tax_cents = 0))),
    ADD CONSTRAINT orders_grand_total CHECK (grand_total_cents = net_total_cents + tax_total_cents);

-- Tax per rate, as an invoice's summary lists it: one row per rate the order
-- was priced with (the lines' and the shipping's).
CREATE TABLE order_taxes (
    order_id     bigint NOT NULL REFERENCES orders (id),
    rate_ppm     integer NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    net_cents    bigint NOT NULL CHECK (net_cents >= 0),
    tax_cents    bigint NOT NULL CHECK (tax_cents >= 0),
    gross_cents  bigint NOT NULL CHECK (gross_cents = net_cents + tax_cents),
    PRIMARY KEY (order_id, rate_ppm)
);

INSERT INTO order_taxes (order_id, rate_ppm, net_cents, tax_cents, gross_cents)
SELECT order_id, 0, sum(quantity * unit_price_cents), 0, sum(quantity * unit_price_cents)
FROM order_lines GROUP BY order_id;
