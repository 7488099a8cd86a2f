-- A failed batch: logged, and its error shown on every live model's status.
WITH logged AS (
    INSERT INTO read_model_batches
        (started_at, duration_ms, trigger, events, orders, customers, products, carried, rows_changed, outcome, error)
    VALUES ($1, $2, $3, 0, 0, 0, 0, 0, 0, 'failed', $4))
UPDATE read_model_live SET last_error = $4
