-- Import job $1 (NULL: the newest $2 jobs), read live through the SECURITY
-- DEFINER function: the staging tables are the worker's, not a read model.
SELECT * FROM read.import_jobs($1, $2)
