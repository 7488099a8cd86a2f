-- The replaceable SQL (src/read_models/schema/) lives in these schemas too:
-- it goes with them, and its record, so `migrate` applies it again. The
-- default privileges in `read` go with the schema.
DROP TABLE IF EXISTS replaceable_schema;
DROP SCHEMA IF EXISTS read_def CASCADE;
DROP SCHEMA read CASCADE;
DROP FUNCTION orderdesk_read_owner_takes_read();
DROP TABLE read_model_batches, read_model_live, read_model_changes, read_model_queue,
    read_model_state, read_model_refreshes;
