-- A page's ETag needs a marker that moves whenever the rows it shows may
-- have changed. The last batch's time did not: `refresh --rebuild`, a time
-- zone change and `verify --repair` rewrite a live model without a batch, so
-- a browser could have been told "304, keep your copy" after a repair.
--
-- `generation` counts every change to a live model's rows, bumped in the
-- transaction that makes the change: a maintainer batch that wrote or
-- removed rows of it, a rebuild, a repair. A counter, not a clock: the
-- batch's start time comes from the application's clock and a rebuild's
-- from the database's, and a marker must never go back.
ALTER TABLE read_model_live ADD COLUMN generation bigint NOT NULL DEFAULT 0;

-- Every page's freshness from one lean function: when its model's data is
-- from, how many changes that affect it are pending, and its generation (a
-- report's is the id of its last successful refresh). The same answers as
-- read.read_model_status's as_of and pending, which the status page keeps
-- (a test compares the two for every model), without the status page's
-- columns, CTEs and aggregates: the lists paid for all of them on every view.
CREATE FUNCTION read.page_freshness(p_view text, p_event_types text[])
RETURNS TABLE (as_of timestamptz, pending bigint, generation bigint)
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
           l.generation
    FROM read_model_state s JOIN read_model_live l ON l.name = p_view;
    IF FOUND THEN
        RETURN;
    END IF;
    -- A report: as of its last successful refresh (never refreshed: no
    -- date, every event of its types pending, generation 0).
    RETURN QUERY
    SELECT ok.started_at,
           (SELECT count(*) FROM events e
             WHERE e.event_type = ANY (p_event_types)
               AND e.txid >= coalesce(pg_snapshot_xmin(ok.snapshot), '0'::xid8)
               AND (ok.snapshot IS NULL OR NOT pg_visible_in_snapshot(e.txid, ok.snapshot))),
           coalesce(ok.id, 0)
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT r.id, r.started_at, r.snapshot FROM read_model_refreshes r
        WHERE r.view_name = p_view AND r.outcome = 'ok' ORDER BY r.id DESC LIMIT 1
    ) ok ON true;
END
$$;

REVOKE ALL ON FUNCTION read.page_freshness(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.page_freshness(text, text[]) TO orderdesk_reader;

-- The dashboard reads page_freshness now.
DROP FUNCTION read.live_freshness(text, text[]);
