-- Moves customer_stats by the batch's signed order rows: an order that starts
-- to count (placed) adds to the count and may move the first/last order; one
-- that stays counted changes nothing. The value is what was paid net of
-- refunds, on any order (cancelled ones too), so it moves by its difference. A customer with an order
-- that stopped counting (cancelled) is returned instead, to be recomputed:
-- a minimum or maximum cannot be taken back by a delta.
WITH per_order AS (
    SELECT customer_id, id,
           bool_or(sign = -1 AND fulfilment_status <> 'cancelled') AS was_counted,
           bool_or(sign = 1 AND fulfilment_status <> 'cancelled') AS is_counted,
           sum(sign * net_paid_cents) AS value,
           min(placed_at) AS placed_at
    FROM read_model_changes
    GROUP BY customer_id, id
), per_customer AS (
    SELECT customer_id,
           count(*) FILTER (WHERE is_counted AND NOT was_counted) AS added,
           coalesce(sum(value), 0)::bigint AS value,
           bool_or(was_counted AND NOT is_counted) AS lost_one,
           min(placed_at) FILTER (WHERE is_counted AND NOT was_counted) AS first_new,
           max(placed_at) FILTER (WHERE is_counted AND NOT was_counted) AS last_new
    FROM per_order
    GROUP BY customer_id
), moved AS (
    UPDATE read.customer_stats t
    SET order_count = t.order_count + p.added,
        lifetime_value_cents = t.lifetime_value_cents + p.value,
        first_order_at = least(t.first_order_at, p.first_new),
        last_order_at = greatest(t.last_order_at, p.last_new)
    FROM per_customer p
    WHERE t.customer_id = p.customer_id AND NOT p.lost_one AND (p.added <> 0 OR p.value <> 0)
    RETURNING 1
)
SELECT (SELECT count(*) FROM moved) AS n,
       coalesce((SELECT array_agg(customer_id) FROM per_customer WHERE lost_one), '{}') AS recompute
