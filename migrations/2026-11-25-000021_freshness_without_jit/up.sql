-- Every page asks read.read_model_status() how fresh its data is. Inside the
-- function the stored snapshot is a parameter, so the planner guesses a third
-- of `events` past its xmin (890k rows at 1M orders) and a never-analysed
-- read_model_state at 1,060 rows: the cost estimate crossed jit_above_cost and
-- each call spent ~75 ms compiling a plan that then ran in 0.03 ms (script/bench,
-- 1M orders: 237 ms per call). These answers are always tiny: no JIT for them,
-- and the one-row state table gets statistics that say so.
ALTER FUNCTION read.live_model_status(text[]) SET jit = off;
ALTER FUNCTION read.read_model_status(text, text[]) SET jit = off;
ALTER FUNCTION read.has_caught_up(text, bigint) SET jit = off;
ANALYZE read_model_state;
ANALYZE read_model_queue;
