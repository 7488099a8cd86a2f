-- inventory_status's all-time sales move by the batch's signed order lines.
WITH changed AS (
    UPDATE read.inventory_status t
    SET units_sold = t.units_sold + d.units,
        revenue_cents = t.revenue_cents + d.revenue_cents
    FROM read_def.product_sales_totals(false) d
    WHERE t.product_id = d.product_id AND (d.units <> 0 OR d.revenue_cents <> 0)
    RETURNING 1
)
SELECT count(*) AS n FROM changed
