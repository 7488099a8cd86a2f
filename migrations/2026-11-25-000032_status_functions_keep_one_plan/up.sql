-- The freshness functions every page calls kept re-planning their queries on
-- each call: PL/pgSQL's plan cache compares a generic plan's estimate with the
-- custom plans' and, with the event-type array as a parameter, always judged a
-- custom plan cheaper, so each call paid the planner (about two thirds of
-- PostgreSQL's time under the dashboard's load). Their queries have one good
-- shape whatever the arguments (the txid index for unseen events, the
-- primary key for the rest), so they keep one generic plan per session.
-- pgbench -M prepared, one connection, 1M orders, caught up:
--   read.live_model_status  0.22 ms -> 0.13 ms
--   read.read_model_status  0.60 ms -> 0.14 ms
ALTER FUNCTION read.live_model_status(text[]) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION read.read_model_status(text, text[]) SET plan_cache_mode = force_generic_plan;
