-- Sessions are validated where the reads go (issue 13): on a hot standby when
-- READ_DATABASE_URL points at one, so signed-in staff stay signed in while the
-- primary is down. The reader may read only schema `read`, so this function
-- (owned by the migrations' role, which owns `sessions` and `staff_users`)
-- answers for it, in one statement, read-only (it runs on a standby too).
-- It also says whether the at-most-once-a-minute `last_seen_at` touch is due;
-- the server then makes that one write on the primary, skipped while the
-- primary is away.
CREATE FUNCTION read.session_lookup(p_id text, p_idle_secs double precision)
RETURNS TABLE (
    session_id text, user_id bigint, username text, role text, csrf_token text, touch_due boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET jit = off AS $$
    SELECT s.id, u.id, u.username, u.role, s.csrf_token,
           s.last_seen_at < now() - interval '60 seconds'
    FROM sessions s JOIN staff_users u ON u.id = s.user_id
    WHERE s.id = p_id AND u.active AND s.expires_at > now()
      AND s.last_seen_at > now() - make_interval(secs => p_idle_secs)
$$;

REVOKE ALL ON FUNCTION read.session_lookup(text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.session_lookup(text, double precision) TO orderdesk_reader;
