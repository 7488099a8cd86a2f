-- The dashboard's freshness from a function that answers just that: when the
-- live models were maintained to, how many changes that affect the model are
-- pending, and when its last batch ran. read.live_model_status answers the
-- status page (thirteen columns for every live model, through CTEs and
-- aggregates); every dashboard view paid for setting all of that up in the
-- executor, and a profile under the dashboard's load (perf record -a, 8
-- connections, 1M orders) put the security-definer calls at a fifth of all
-- CPU. Same answers as live_model_status for one model (a test compares them).
CREATE FUNCTION read.live_freshness(p_name text, p_event_types text[])
RETURNS TABLE (as_of timestamptz, pending bigint, changed_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public SET jit = off SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT s.as_of,
           (SELECT count(*) FROM events e
             WHERE e.txid >= pg_snapshot_xmin(s.snapshot)
               AND NOT pg_visible_in_snapshot(e.txid, s.snapshot)
               AND e.event_type = ANY (p_event_types))
         + (SELECT count(DISTINCT q.txid) FROM read_model_queue q),
           l.last_batch_at
    FROM read_model_state s JOIN read_model_live l ON l.name = p_name;
END
$$;

REVOKE ALL ON FUNCTION read.live_freshness(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.live_freshness(text, text[]) TO orderdesk_reader;
