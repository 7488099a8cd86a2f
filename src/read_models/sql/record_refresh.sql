-- One run of a report view's refresh, in its log. The snapshot arrives as
-- text ($9) and is stored as pg_snapshot, which Diesel has no type for.
INSERT INTO read_model_refreshes
    (view_name, trigger, started_at, duration_ms, rows, outcome, error, watermark, snapshot)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::pg_snapshot)
