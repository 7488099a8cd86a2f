-- The per-view refresh lock ($1 names it), until the transaction ends.
SELECT pg_try_advisory_xact_lock(hashtext($1)) AS flag
