-- Back to 000033: live_freshness for the dashboard, no generation.
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

DROP FUNCTION read.page_freshness(text, text[]);
ALTER TABLE read_model_live DROP COLUMN generation;
