-- Tax rates and the shop's settings (issue 24, first slice).
--
-- tax_rates: kept by admins (name, rate). A rate is exact to a millionth of
-- the whole, as domain::Percent holds it (20 % = 200000 ppm). Products (and,
-- later, order lines) refer to a rate, so a rate is archived, never deleted:
-- an archived rate stays on the products that have it and is no longer
-- offered for new choices.
--
-- shop_settings: the settings staff change while the shop runs (one row,
-- version-checked, each change a `shop_settings_changed` event). Deployment
-- settings (URLs, pools, ports, time zone, currency) stay in Rocket.toml.
--
-- products.tax_rate_id: every product has a rate. Existing products get the
-- shop's default rate, which this migration creates as "Zero" (0 %): every
-- product sold so far was sold without tax, so orders priced after this
-- migration cost what they cost before until an admin chooses otherwise
-- (Settings: the default rate; Tax rates; each product's form). A non-zero
-- guess would put tax on every existing product silently.

CREATE TABLE tax_rates (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100 AND name = btrim(name)),
    rate_ppm    integer NOT NULL CHECK (rate_ppm BETWEEN 0 AND 1000000),
    active      boolean NOT NULL DEFAULT true,
    version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Names are unique whatever their case: the products CSV names a rate.
CREATE UNIQUE INDEX tax_rates_name_key ON tax_rates (lower(name));

CREATE TABLE shop_settings (
    id                   boolean PRIMARY KEY DEFAULT true CHECK (id),
    prices_include_tax   boolean NOT NULL DEFAULT false,
    tax_id               text CHECK (tax_id IS NULL
                                     OR (char_length(tax_id) BETWEEN 1 AND 50 AND tax_id = btrim(tax_id))),
    ship_on_account      boolean NOT NULL DEFAULT false,
    invoice_on_payment   boolean NOT NULL DEFAULT false,
    -- The rate a new product gets when none is chosen (the form's preselection,
    -- an imported product without a tax_rate cell).
    default_tax_rate_id  bigint NOT NULL REFERENCES tax_rates (id),
    version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

INSERT INTO tax_rates (name, rate_ppm) VALUES ('Zero', 0);
INSERT INTO shop_settings (default_tax_rate_id) SELECT id FROM tax_rates WHERE name = 'Zero';

ALTER TABLE products ADD COLUMN tax_rate_id bigint REFERENCES tax_rates (id);
-- One UPDATE: a shop has thousands of products, not millions.
UPDATE products SET tax_rate_id = (SELECT default_tax_rate_id FROM shop_settings);
ALTER TABLE products ALTER COLUMN tax_rate_id SET NOT NULL;
CREATE INDEX products_tax_rate_idx ON products (tax_rate_id);

-- The events of the new records: a tax rate, and the shop (one, id 1).
ALTER TABLE events DROP CONSTRAINT events_aggregate_type_check;
ALTER TABLE events ADD CONSTRAINT events_aggregate_type_check
    CHECK (aggregate_type IN ('customer', 'product', 'order', 'user', 'tax_rate', 'shop')) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT events_aggregate_type_check;

-- The maintainer's new keys: a rate, the shop's settings, and a rate whose
-- name or percentage changed, fanned out to its products.
ALTER TABLE read_model_queue DROP CONSTRAINT read_model_queue_kind_check;
ALTER TABLE read_model_queue ADD CONSTRAINT read_model_queue_kind_check
    CHECK (kind IN ('order', 'customer', 'product', 'customer_orders', 'product_orders',
                    'tax_rate', 'shop', 'tax_rate_products'));

-- Live models: every rate, and the shop's settings (one row). Staleness: the
-- same snapshot as every live model, normally milliseconds behind a commit.
CREATE TABLE read.tax_rates (
    id          bigint NOT NULL,
    name        text NOT NULL,
    rate_ppm    integer NOT NULL,
    active      boolean NOT NULL,
    version     integer NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX tax_rates_id ON read.tax_rates (id);
COMMENT ON TABLE read.tax_rates IS
    'Live model: every tax rate (read_def.tax_rates), kept by the rate''s key.';

CREATE TABLE read.shop_settings (
    id                   boolean NOT NULL,
    prices_include_tax   boolean NOT NULL,
    tax_id               text,
    ship_on_account      boolean NOT NULL,
    invoice_on_payment   boolean NOT NULL,
    default_tax_rate_id  bigint NOT NULL,
    version              integer NOT NULL,
    updated_at           timestamptz NOT NULL
);
CREATE UNIQUE INDEX shop_settings_id ON read.shop_settings (id);
COMMENT ON TABLE read.shop_settings IS
    'Live model: the shop''s settings, one row (read_def.shop_settings), kept by the shop''s key.';

-- The product's rate on the product models (its name and percentage).
ALTER TABLE read.inventory_status
    ADD COLUMN tax_rate_id bigint,
    ADD COLUMN tax_rate_name text,
    ADD COLUMN tax_rate_ppm integer;

GRANT SELECT, INSERT, UPDATE, DELETE ON read.tax_rates, read.shop_settings TO orderdesk_app;
REVOKE TRUNCATE, REFERENCES, TRIGGER ON read.tax_rates, read.shop_settings FROM orderdesk_app;
GRANT SELECT ON read.tax_rates, read.shop_settings TO orderdesk_reader;
SELECT orderdesk_read_owner_takes_read();

-- Filled under the maintainer's lock (as migration 000030): no batch commits
-- between this fill and the snapshot the next batch starts from.
SELECT pg_advisory_xact_lock(22311621758635604);
INSERT INTO read.tax_rates
SELECT id, name, rate_ppm, active, version, updated_at FROM tax_rates;
INSERT INTO read.shop_settings
SELECT id, prices_include_tax, tax_id, ship_on_account, invoice_on_payment, default_tax_rate_id,
       version, updated_at
FROM shop_settings;
UPDATE read.inventory_status i
SET tax_rate_id = r.id, tax_rate_name = r.name, tax_rate_ppm = r.rate_ppm
FROM products p JOIN tax_rates r ON r.id = p.tax_rate_id
WHERE p.id = i.product_id;
ALTER TABLE read.inventory_status
    ALTER COLUMN tax_rate_id SET NOT NULL,
    ALTER COLUMN tax_rate_name SET NOT NULL,
    ALTER COLUMN tax_rate_ppm SET NOT NULL;
INSERT INTO read_model_live (name, last_rebuild_at) VALUES ('tax_rates', now()), ('shop_settings', now());
