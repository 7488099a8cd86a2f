-- The events of aggregate ($1 type, $2 id), oldest first: a SECURITY DEFINER
-- function in schema read, as the reader may not read the events table.
SELECT * FROM read.history($1, $2)
