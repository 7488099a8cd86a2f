-- Fails unless PostgreSQL knows the time zone $1.
SELECT (now() AT TIME ZONE $1)::text AS time_zone
