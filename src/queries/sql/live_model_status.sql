-- Every live model's status (NULL: all of them), from the SECURITY DEFINER
-- function that may read the maintainer's state and log.
SELECT * FROM read.live_model_status(NULL)
