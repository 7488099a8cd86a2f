-- Records a verify of live model $1 that found $2 differing rows.
UPDATE read_model_live SET last_verify_at = now(), last_verify_diffs = $2 WHERE name = $1
