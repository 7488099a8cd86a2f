-- One batch that did something, in the maintainer's log.
INSERT INTO read_model_batches
    (started_at, duration_ms, trigger, events, orders, customers, products, carried, rows_changed, outcome)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'ok')
