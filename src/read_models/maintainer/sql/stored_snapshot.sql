-- The snapshot the live models were maintained to, locked for this batch.
SELECT snapshot::text AS snapshot FROM read_model_state FOR UPDATE
