-- The maintainer's log keeps its last $1 batches.
DELETE FROM read_model_batches WHERE id <= (SELECT max(id) FROM read_model_batches) - $1
