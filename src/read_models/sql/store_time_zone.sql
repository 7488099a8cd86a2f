-- The read models count the days of time zone $1 from now on.
UPDATE read_model_state SET time_zone = $1
