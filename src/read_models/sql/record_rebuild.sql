-- Records a rebuild of live model $1 that took $2 ms (its rows were
-- replaced: a new generation).
UPDATE read_model_live
SET last_rebuild_at = now(), last_rebuild_ms = $2, generation = generation + 1
WHERE name = $1
