-- Events of every type not yet applied, plus queued keys: the count the
-- status page shows (every live model shares it).
SELECT pending AS n FROM read.live_model_status(NULL) LIMIT 1
