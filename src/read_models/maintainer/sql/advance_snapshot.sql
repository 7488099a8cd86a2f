-- Every live model is now maintained to this transaction's snapshot.
UPDATE read_model_state SET snapshot = pg_current_snapshot(), as_of = now(), batches = batches + 1
RETURNING batches
