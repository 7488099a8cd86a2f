-- The seeded shop's tax rates, each with its event; Standard the default.
-- $1: when (epoch seconds), before the seeded catalogue's first product.
WITH added AS (
    INSERT INTO tax_rates (name, rate_ppm)
    VALUES ('Standard', 200000), ('Reduced', 50000), ('Zero', 0)
    ON CONFLICT ((lower(name))) DO NOTHING
    RETURNING id, name, rate_ppm
)
INSERT INTO events (aggregate_type, aggregate_id, event_type, payload, actor, occurred_at)
SELECT 'tax_rate', id, 'tax_rate_created', jsonb_build_object('name', name, 'rate_ppm', rate_ppm),
       'system:seed', to_timestamp($1::bigint)
FROM added
-- statement

WITH standard AS (
    SELECT id FROM tax_rates WHERE lower(name) = 'standard'
), old AS (
    SELECT default_tax_rate_id AS id FROM shop_settings
), changed AS (
    UPDATE shop_settings s
    SET default_tax_rate_id = standard.id, version = s.version + 1, updated_at = to_timestamp($1::bigint)
    FROM standard
    WHERE s.default_tax_rate_id <> standard.id
    RETURNING s.default_tax_rate_id, s.version
)
INSERT INTO events (aggregate_type, aggregate_id, event_type, payload, actor, occurred_at)
SELECT 'shop', 1, 'shop_settings_changed',
       jsonb_build_object('default_tax_rate', jsonb_build_object('old', old.id, 'new', c.default_tax_rate_id),
                          'version', c.version),
       'system:seed', to_timestamp($1::bigint)
FROM changed c, old
