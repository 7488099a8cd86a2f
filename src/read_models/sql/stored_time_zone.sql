-- The time zone whose days the read models count.
SELECT time_zone FROM read_model_state
