-- $1 username, $2 address, $3 device hash, $4 known-device horizon, $5 address window start.
WITH known AS (
    SELECT DISTINCT device FROM login_attempts
    WHERE username = $1 AND outcome = 'succeeded' AND device IS NOT NULL AND at > $4
),
bucket AS (
    SELECT outcome, at FROM login_attempts
    WHERE username = $1
      AND CASE WHEN $3 IN (SELECT device FROM known) THEN device = $3
               ELSE device IS NULL OR device NOT IN (SELECT device FROM known) END
      AND at > now() - interval '1 day'
),
since AS (
    SELECT coalesce(max(at), '-infinity') AS t FROM bucket WHERE outcome = 'succeeded'
),
user_failures AS (
    SELECT count(*) AS n, max(at) AS last FROM bucket, since
    WHERE outcome IN ('failed', 'pending') AND at > since.t
),
address_failures AS (
    SELECT count(*) AS n, min(at) AS oldest FROM login_attempts
    WHERE $2 IS NOT NULL AND ip = $2 AND outcome IN ('failed', 'pending') AND at > $5
)
SELECT u.n AS user_failures, u.last AS last_user_failure,
       a.n AS address_failures, a.oldest AS oldest_address_failure
FROM user_failures u, address_failures a
