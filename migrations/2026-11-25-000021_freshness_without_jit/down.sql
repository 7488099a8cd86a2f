ALTER FUNCTION read.live_model_status(text[]) RESET jit;
ALTER FUNCTION read.read_model_status(text, text[]) RESET jit;
ALTER FUNCTION read.has_caught_up(text, bigint) RESET jit;
