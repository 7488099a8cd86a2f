ALTER FUNCTION read.live_model_status(text[]) RESET plan_cache_mode;
ALTER FUNCTION read.read_model_status(text, text[]) RESET plan_cache_mode;
