-- Address books (issue 23): a customer's addresses, their default shipping and
-- billing address, and each order's own copy of its addresses.
--
-- customer_addresses  the book: one row per address, version-checked edits.
-- customers           default_shipping_address_id / default_billing_address_id:
--                     nullable references into the customer's own book. A column
--                     holds one value, so there is never more than one default of a
--                     kind (two "make default" at once: the later wins, one stays);
--                     the composite key (address id, customer id) keeps a default
--                     inside the customer's own book; and an address that is a
--                     default cannot be deleted (the reference refuses), so a
--                     default never silently vanishes.
-- order_addresses     the order's copy (shipping, and billing for the money issue's
--                     invoices): copied when the order is placed, never a reference
--                     to the book, so later edits of the book never change an order.
--                     `structured = false` marks a free-text address from before
--                     this migration: the whole text in line1 (its line breaks
--                     kept), printed as before.
--
-- Cost on a large database: one INSERT … SELECT of every order's address into
-- order_addresses (a sequential read of orders and one new row per order), then
-- its primary key and foreign key (an index build and one anti-join); dropping
-- orders.shipping_address and adding the columns below change the catalog only.
-- The read models are not rewritten: read.order_summaries.shipping_address keeps
-- the free text of unstructured addresses (exactly what it held), and the new
-- columns start NULL / '[]', which is what their definitions give for the
-- existing rows.

CREATE TABLE customer_addresses (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint NOT NULL REFERENCES customers (id),
    label        text NOT NULL DEFAULT '' CHECK (length(label) <= 50),
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    company      text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    line1        text NOT NULL CHECK (length(btrim(line1)) BETWEEN 1 AND 200),
    line2        text NOT NULL DEFAULT '' CHECK (length(line2) <= 200),
    city         text NOT NULL CHECK (length(btrim(city)) BETWEEN 1 AND 100),
    region       text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    postal_code  text NOT NULL DEFAULT '' CHECK (length(postal_code) <= 20),
    -- ISO 3166-1 alpha-2; the application knows the list (src/domain/country.rs).
    country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone        text NOT NULL DEFAULT '' CHECK (phone = '' OR length(phone) BETWEEN 3 AND 40),
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- The target of the customers' default references (an address of that customer).
    CONSTRAINT customer_addresses_id_customer_key UNIQUE (id, customer_id)
);
CREATE INDEX customer_addresses_customer_idx ON customer_addresses (customer_id, id);

ALTER TABLE customers
    ADD COLUMN default_shipping_address_id bigint,
    ADD COLUMN default_billing_address_id bigint,
    ADD CONSTRAINT customers_default_shipping_fkey
        FOREIGN KEY (default_shipping_address_id, id) REFERENCES customer_addresses (id, customer_id),
    ADD CONSTRAINT customers_default_billing_fkey
        FOREIGN KEY (default_billing_address_id, id) REFERENCES customer_addresses (id, customer_id);

-- Made without keys first: the existing orders' addresses are copied in one
-- pass, then the keys are built once.
CREATE TABLE order_addresses (
    order_id     bigint NOT NULL,
    role         text NOT NULL CHECK (role IN ('shipping', 'billing')),
    structured   boolean NOT NULL DEFAULT true,
    name         text NOT NULL DEFAULT '',
    company      text NOT NULL DEFAULT '',
    line1        text NOT NULL,
    line2        text NOT NULL DEFAULT '',
    city         text NOT NULL DEFAULT '',
    region       text NOT NULL DEFAULT '',
    postal_code  text NOT NULL DEFAULT '',
    country      text NOT NULL DEFAULT '',
    phone        text NOT NULL DEFAULT '',
    -- A structured address has the book's bounds; a migrated free-text one is
    -- its text in line1 (1–1000 characters, as orders.shipping_address was)
    -- and nothing else.
    CONSTRAINT order_addresses_shape CHECK (
        CASE WHEN structured THEN
            length(btrim(name)) BETWEEN 1 AND 200 AND length(company) <= 200
            AND length(btrim(line1)) BETWEEN 1 AND 200 AND length(line2) <= 200
            AND length(btrim(city)) BETWEEN 1 AND 100 AND length(region) <= 100
            AND length(postal_code) <= 20 AND country ~ '^[A-Z]{2}$'
            AND (phone = '' OR length(phone) BETWEEN 3 AND 40)
        ELSE
            length(btrim(line1)) BETWEEN 1 AND 1000
            AND name = '' AND company = '' AND line2 = '' AND city = '' AND region = ''
            AND postal_code = '' AND country = '' AND phone = ''
        END
    )
);

INSERT INTO order_addresses (order_id, role, structured, line1)
SELECT id, 'shipping', false, shipping_address FROM orders;

ALTER TABLE order_addresses
    ADD CONSTRAINT order_addresses_pkey PRIMARY KEY (order_id, role),
    ADD CONSTRAINT order_addresses_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id);

ALTER TABLE orders DROP COLUMN shipping_address;

-- The read side: the order's structured addresses (NULL: none, or free text in
-- shipping_address); each customer's book, defaults marked. The default is
-- dropped after the column is added: existing rows keep '[]' (PostgreSQL
-- stores it as the column's missing value, no rewrite); rows the maintainer
-- writes come from the definition.
ALTER TABLE read.order_summaries
    ADD COLUMN shipping jsonb,
    ADD COLUMN billing jsonb;
ALTER TABLE read.customer_stats ADD COLUMN addresses jsonb DEFAULT '[]'::jsonb;
ALTER TABLE read.customer_stats ALTER COLUMN addresses DROP DEFAULT;
