-- Records a rebuild of live model $1 that took $2 ms.
UPDATE read_model_live SET last_rebuild_at = now(), last_rebuild_ms = $2 WHERE name = $1
