-- Takes at most $1 queue entries, oldest transaction first, with every other
-- entry of the same keys; returns the keys by kind, and what is left.
WITH picked AS (
    SELECT DISTINCT kind, key
    FROM (SELECT kind, key FROM read_model_queue ORDER BY txid, kind, key LIMIT $1) first
), taken AS (
    DELETE FROM read_model_queue q
    USING picked p
    WHERE q.kind = p.kind AND q.key = p.key
    RETURNING q.kind, q.key
)
SELECT coalesce(array_agg(DISTINCT key) FILTER (WHERE kind = 'order'), '{}') AS orders,
       coalesce(array_agg(DISTINCT key) FILTER (WHERE kind = 'customer'), '{}') AS customers,
       coalesce(array_agg(DISTINCT key) FILTER (WHERE kind = 'product'), '{}') AS products,
       coalesce(array_agg(DISTINCT key) FILTER (WHERE kind = 'tax_rate'), '{}') AS tax_rates,
       bool_or(kind = 'shop') IS TRUE AS shop
FROM taken
